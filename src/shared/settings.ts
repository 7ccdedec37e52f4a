/** Persistent host settings (`settings.json` in the data dir). Command-line flags override them per run. */
export interface Settings {
  /** Address both slot servers listen on. */
  host: string;
  asisPort: number;
  tobePort: number;
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
}
