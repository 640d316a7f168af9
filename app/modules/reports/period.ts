export type Period = { from: string; to: string };
