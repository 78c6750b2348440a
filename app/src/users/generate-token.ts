/**
 * A static token: 32 random bytes from the browser's cryptographic generator, base64url-encoded
 * (43 characters, 256 bits), well above the server's 32-character minimum.
 */
export function generateToken(bytes = 32): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  let binary = '';
  for (const b of buf) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
