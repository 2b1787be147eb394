/** SOPS decryption (age recipients, MAC always verified): see decrypt.ts and format.ts. */
export { ageKeyring, decryptSopsDocument, isSopsDocument, parseAgeIdentities, UNSUPPORTED_PROVIDERS, type DecryptedDocument, type Keyring } from "./decrypt";
export { SopsError, type SopsErrorCode } from "./format";
