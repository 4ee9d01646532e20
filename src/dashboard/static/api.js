// The JSON API (/api/..., see docs/dashboard.md).

/** GET `path`; the answer's JSON, or an Error with the API's message. */
export async function api(path) {
  const res = await fetch(path, { credentials: 'same-origin' });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

let known;

/**
 * The marketplaces as the server describes them (/api/marketplaces, from their descriptors), read
 * once: `colorOf(name)` and `labelOf(name)`; a name the server does not know gets grey and itself.
 * `notGivenOn(name, basis)`: why the marketplace gives no price on that basis, or null when it gives one.
 */
export function marketplaces() {
  known ??= api('/api/marketplaces').then((r) => {
    const byName = new Map(r.marketplaces.map((m) => [m.name, m]));
    return {
      colorOf: (name) => byName.get(name)?.color ?? '#555',
      labelOf: (name) => byName.get(name)?.label ?? name,
      notGivenOn: (name, basis) => byName.get(name)?.priceBases?.[basis]?.notGiven ?? null,
    };
  });
  return known;
}
