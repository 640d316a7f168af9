// `npm run totp`: the current two-factor code of the demo staff logins (their shared demo TOTP
// secret, db/seed/foundation.ts), and how long it stays valid. Demo data only: no database access.
import * as OTPAuth from "otpauth";
import { DEMO_TOTP_SECRET } from "../db/seed/foundation";

const totp = new OTPAuth.TOTP({
  issuer: "Dealer Desk",
  label: "demo staff",
  algorithm: "SHA1",
  digits: 6,
  period: 30,
  secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET),
});
const seconds = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${totp.generate()}  (valid for ${seconds} s more; demo staff logins such as admin@demo.local)`);
console.log(`otpauth URI for an authenticator app: ${totp.toString()}`);
