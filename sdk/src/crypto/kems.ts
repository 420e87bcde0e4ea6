/**
 * The two KEMs of Caduceus, wrapped so the rest of the SDK handles keys as plain bytes (easy to
 * store, compare and publish) and only turns them into hpke-js key objects at the last moment.
 * Both implementations are pure JS (noble / mlkem), so they also run in browsers without
 * WebCrypto X25519.
 */
import type { KemInterface } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { XWing } from "@hpke/hybridkem-x-wing";

export interface KeyPairBytes {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export class KemKeys {
  readonly kem: KemInterface;

  constructor(kem: KemInterface) {
    this.kem = kem;
  }

  get publicKeyBytes(): number {
    return this.kem.publicKeySize;
  }

  /** RFC 9180 DeriveKeyPair(ikm): deterministic, the same seed gives the same pair everywhere. */
  async deriveKeyPairBytes(ikm: Uint8Array): Promise<KeyPairBytes> {
    const pair = await this.kem.deriveKeyPair(new Uint8Array(ikm));
    return this.exportKeyPair(pair);
  }

  async generateKeyPairBytes(): Promise<KeyPairBytes> {
    return this.exportKeyPair(await this.kem.generateKeyPair());
  }

  async importPublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
    return this.kem.deserializePublicKey(new Uint8Array(publicKey));
  }

  async importKeyPair(pair: KeyPairBytes): Promise<CryptoKeyPair> {
    const [publicKey, privateKey] = await Promise.all([
      this.kem.deserializePublicKey(new Uint8Array(pair.publicKey)),
      this.kem.deserializePrivateKey(new Uint8Array(pair.privateKey)),
    ]);
    return { publicKey, privateKey };
  }

  private async exportKeyPair(pair: CryptoKeyPair): Promise<KeyPairBytes> {
    const [publicKey, privateKey] = await Promise.all([
      this.kem.serializePublicKey(pair.publicKey),
      this.kem.serializePrivateKey(pair.privateKey),
    ]);
    return { publicKey: new Uint8Array(publicKey), privateKey: new Uint8Array(privateKey) };
  }
}

export const x25519Kem = new KemKeys(new DhkemX25519HkdfSha256());
export const xwingKem = new KemKeys(new XWing());
