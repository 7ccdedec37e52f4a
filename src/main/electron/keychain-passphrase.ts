import { access, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LiteCnnError, isErrnoError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { KeyPassphraseSource } from '../gpu/key-passphrase.js';

/** The part of Electron's `safeStorage` this uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The app's GPU key passphrase: encrypted by Electron's safeStorage (a key in the macOS keychain)
 * and kept as `<dataDir>/gpu-key-passphrase.bin` (mode 0600). Never written in plain text.
 */
export function keychainPassphrase(safeStorage: SafeStorageLike, dataDir: string): KeyPassphraseSource {
  const file = join(dataDir, 'gpu-key-passphrase.bin');
  return {
    where: 'the macOS keychain (Electron safeStorage)',
    async read() {
      let encrypted: Buffer;
      try {
        encrypted = await readFile(file);
      } catch (error) {
        if (isErrnoError(error, 'ENOENT')) return undefined;
        throw error;
      }
      try {
        return safeStorage.decryptString(encrypted) || undefined;
      } catch (error) {
        throw new LiteCnnError('GPU_AUTH_FAILED', `The stored SSH key passphrase cannot be decrypted (${(error as Error).message}); enter it again in Preferences.`, { subject: file });
      }
    },
    stored: () => access(file).then(() => true, () => false),
    async save(passphrase) {
      if (passphrase === '') {
        await unlink(file).catch((error: unknown) => {
          if (!isErrnoError(error, 'ENOENT')) throw error;
        });
        return;
      }
      if (!safeStorage.isEncryptionAvailable()) {
        throw new LiteCnnError('NOT_SUPPORTED', 'This system offers no keychain to encrypt the passphrase with, so it was not stored. Use ssh-agent (gpuUseAgent) instead.', { httpStatus: 409 });
      }
      await writeFileAtomic(file, safeStorage.encryptString(passphrase), 0o600);
    },
  };
}
