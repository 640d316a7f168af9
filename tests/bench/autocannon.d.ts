// The slice of autocannon's API the benchmark uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export type AcRequest = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest | null;
  };

  export type AcOptions = {
    url: string | string[];
    connections?: number;
    duration?: number;
    amount?: number;
    maxOverallRequests?: number;
    timeout?: number;
    pipelining?: number;
    sampleInt?: number;
    requests?: AcRequest[];
  };

  export type AcResult = {
    errors: number;
    timeouts: number;
    duration: number;
    non2xx: number;
    requests: { total: number; average: number };
    start: Date;
    finish: Date;
  };

  export interface AcInstance extends EventEmitter, PromiseLike<AcResult> {
    stop(): void;
  }

  export default function autocannon(opts: AcOptions): AcInstance;
}
