import { hash, verify } from "@node-rs/argon2";

// argon2id, m=19456 KiB, t=2, p=1 (OWASP minimum); ~66 ms to hash, ~9 ms to verify here.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 /* Argon2id */ } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// A real hash to verify against when the email is unknown, so both paths cost the same.
let dummy: Promise<string> | undefined;
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummy ??= hashPassword("dealer-desk-timing-equaliser");
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export function isStrongPassword(p: string): boolean {
  return p.length >= 10 && p.length <= 200 && /[A-Za-z]/.test(p) && /\d/.test(p);
}
