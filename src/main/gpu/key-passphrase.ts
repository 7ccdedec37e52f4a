/**
 * Where the GPU server's SSH key passphrase comes from: the environment in the headless host, the
 * OS keychain in the app. It is never kept in the settings.
 */
export interface KeyPassphraseSource {
  read(): Promise<string | undefined>;
  /** Whether one is there, without reading (decrypting) it. */
  stored(): Promise<boolean>;
  /** Keeps the passphrase ('' forgets it); absent where nothing can be kept safely. */
  save?(passphrase: string): Promise<void>;
  /** Where it is kept, for messages: e.g. "the macOS keychain". */
  readonly where: string;
}

/** The headless host's source: LITECNN_GPU_KEY_PASSPHRASE, read when a connection is made. */
export function environmentPassphrase(env: NodeJS.ProcessEnv = process.env): KeyPassphraseSource {
  return {
    read: async () => env.LITECNN_GPU_KEY_PASSPHRASE || undefined,
    stored: async () => Boolean(env.LITECNN_GPU_KEY_PASSPHRASE),
    where: 'the environment variable LITECNN_GPU_KEY_PASSPHRASE',
  };
}
