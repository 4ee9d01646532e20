/**
 * Known secret values (API keys, passwords, webhook URLs). Anything printed through the
 * logger or the CLI's error path passes through `redact`, so a secret that ends up inside
 * an error message (a connection string in a driver error, say) is still never shown.
 */
const secrets = new Set<string>();

export function registerSecret(value: string): void {
  // Very short values would mask ordinary text; no real credential is that short.
  if (value.length < 4) return;
  secrets.add(value);
  // As it travels in a query string or a form body (an API key in `?apikey=`), which an error
  // that repeats the request would show: `+/=` become `%2B%2F%3D`.
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  // Passwords inside any URL, known or not.
  return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, '$1:***@');
}
