/** Persistent host settings (`settings.json` in the data dir). Command-line flags override them per run. */
export interface Settings {
  /** Address both slot servers listen on (unless asisHost / tobeHost say otherwise). */
  host: string;
  /** AS-IS's own listen address; empty: `host`. Beyond loopback it needs a token. */
  asisHost: string;
  /** TO-BE's own listen address; empty: `host`. Beyond loopback it needs a token. */
  tobeHost: string;
  asisPort: number;
  tobePort: number;
  /** SHA-256 (hex) of the token AS-IS requires as `Authorization: Bearer`; empty: no token. Set with `litecnn token rotate`. */
  asisTokenSha256: string;
  /** SHA-256 (hex) of TO-BE's token; empty: no token. */
  tobeTokenSha256: string;
  /** PEM certificate and key files that make AS-IS serve HTTPS; both empty: plain HTTP. */
  asisTlsCert: string;
  asisTlsKey: string;
  /** PEM certificate and key files that make TO-BE serve HTTPS; both empty: plain HTTP. */
  tobeTlsCert: string;
  tobeTlsKey: string;
  /** Requests per second each client may send to a slot (token bucket refill); 0: no limit. */
  rateLimitPerSecond: number;
  /** Requests a client may send at once before the per-second rate applies (bucket size). */
  rateLimitBurst: number;
  /** Requests per second each client may send to the control API; 0: no limit. */
  controlRateLimitPerSecond: number;
  controlRateLimitBurst: number;
  /** onnxruntime threads per slot for one inference (1 suits small CNNs and laptops). */
  inferenceThreads: number;
  /** Images a slot decodes and classifies at the same time. */
  maxConcurrentInferences: number;
  /** Requests a slot lets wait for an inference; more are answered 503 with Retry-After. */
  maxQueuedRequests: number;
  /** Time a client has to send its request headers (slowloris guard), in ms. */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, body included, in ms. */
  requestTimeoutMs: number;
  /** Port of the control API (always on 127.0.0.1). */
  controlPort: number;
  /** Largest accepted upload, in bytes. */
  maxUploadBytes: number;
  /** Largest accepted image, in pixels, checked before decoding. */
  maxInputPixels: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** GPU training server: a host name, or a `Host` alias from the SSH config file. Empty: not configured. */
  gpuHost: string;
  /** SSH port; 0 takes it from the SSH config file, else 22. */
  gpuPort: number;
  /** SSH user; empty takes it from the SSH config file, else the local user name. */
  gpuUser: string;
  /** Private key file; empty takes IdentityFile from the SSH config file, else ~/.ssh/id_ed25519 or id_rsa. */
  gpuKeyPath: string;
  /** Authenticate through the running ssh-agent ($SSH_AUTH_SOCK) instead of a key file. */
  gpuUseAgent: boolean;
  /** Folder on the GPU server that holds one sub-folder per training run. */
  gpuRunsDir: string;
  /** The GPU server's pinned host key, as `ssh-keygen -lf` prints it (SHA256:...). */
  gpuHostKeyFingerprint: string;
  /** The SSH config file aliases are resolved in. */
  sshConfigPath: string;
  /** Minutes between checks of the GPU server. */
  pollIntervalMinutes: number;
  /** Whether the watcher deploys new runs to TO-BE by itself. */
  autoDeploy: boolean;
  /** How many replaced model versions are kept in weights/history. */
  historyLimit: number;
  /** How many stored evaluations are kept (the newest); older ones are removed when one ends. */
  evaluationsKept: number;
  /** Shadow mode: the share (0-100 %) of AS-IS `/predict` traffic mirrored to TO-BE after AS-IS has answered; 0: off. */
  shadowPercent: number;
  /** Shadow mode keeps the images the two models disagree on (newest 100, in the data dir's shadow/); else only their hashes. */
  shadowKeepImages: boolean;
  /** Promotion gate: the evaluation set (a folder) TO-BE must not do worse on than AS-IS; empty: no gate. */
  promotionGateSet: string;
  /** How much lower TO-BE's top-1 accuracy may be than AS-IS's (0.01 = one point); unlabelled sets: 1 - minimum agreement. */
  promotionGateMaxDrop: number;
  /** How many times AS-IS's p99 latency on the set TO-BE's may be. */
  promotionGateMaxLatencyFactor: number;
  /** Minimum a deploy candidate must reach on the gate set before it replaces TO-BE (top-1 accuracy, or agreement with AS-IS when unlabelled); 0: no check. */
  deployGateMinimum: number;
}

/**
 * When a changed setting takes effect in a running host: at once; when the slot it configures
 * restarts (`litecnn restart asis|tobe|all`, which a `litecnn token` command does itself); or when
 * the host restarts (the next `litecnn serve`, or quitting and reopening the app).
 */
export type SettingTakesEffect = 'at once' | 'slot restart' | 'host restart';

export const SETTING_TAKES_EFFECT: Readonly<Record<keyof Settings, SettingTakesEffect>> = {
  host: 'slot restart',
  asisHost: 'slot restart',
  tobeHost: 'slot restart',
  asisPort: 'slot restart',
  tobePort: 'slot restart',
  asisTokenSha256: 'slot restart',
  tobeTokenSha256: 'slot restart',
  asisTlsCert: 'slot restart',
  asisTlsKey: 'slot restart',
  tobeTlsCert: 'slot restart',
  tobeTlsKey: 'slot restart',
  rateLimitPerSecond: 'slot restart',
  rateLimitBurst: 'slot restart',
  controlRateLimitPerSecond: 'host restart',
  controlRateLimitBurst: 'host restart',
  inferenceThreads: 'slot restart',
  maxConcurrentInferences: 'slot restart',
  maxQueuedRequests: 'slot restart',
  headersTimeoutMs: 'slot restart',
  requestTimeoutMs: 'slot restart',
  controlPort: 'host restart',
  // The control API's upload limit is set when it starts; the slots' when they do.
  maxUploadBytes: 'host restart',
  // The host's compare checks it at once, each slot once it restarts.
  maxInputPixels: 'slot restart',
  // Both the host's log and the slots'.
  logLevel: 'host restart',
  gpuHost: 'at once',
  gpuPort: 'at once',
  gpuUser: 'at once',
  gpuKeyPath: 'at once',
  gpuUseAgent: 'at once',
  gpuRunsDir: 'at once',
  gpuHostKeyFingerprint: 'at once',
  sshConfigPath: 'at once',
  pollIntervalMinutes: 'at once',
  autoDeploy: 'at once',
  historyLimit: 'at once',
  evaluationsKept: 'at once',
  shadowPercent: 'at once',
  shadowKeepImages: 'at once',
  promotionGateSet: 'at once',
  promotionGateMaxDrop: 'at once',
  promotionGateMaxLatencyFactor: 'at once',
  deployGateMinimum: 'at once',
};
