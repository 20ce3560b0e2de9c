// The API client: JSON over fetch, the API's own error messages, a small response cache.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

const UNREACHABLE = "Kunde inte nå tjänsten. Kontrollera anslutningen och försök igen.";

/** Fetch JSON; errors become ApiError with the API's own message ({"error", "status"}). */
export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" };
  const { data, status } = await send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  if (data === null) throw new ApiError("Tjänsten skickade ett svar som inte gick att läsa.", status);
  return data;
}

/** Send a form (multipart) or a DELETE with the admin token; errors as in api(). */
export async function adminRequest(path, { method = "POST", form, token }) {
  const { data } = await send(path, { method, headers: { Accept: "application/json", Authorization: `Bearer ${token}` }, body: form });
  return data;
}

/** One request: its JSON body (null if unreadable) and status, or ApiError with the API's message. */
async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(UNREACHABLE, 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    data = null;
  }
  if (!response.ok) {
    const message = data && typeof data.error === "string" && data.error
      ? data.error
      : `Tjänsten svarade med felkod ${response.status}.`;
    throw new ApiError(message, response.status);
  }
  return { data, status: response.status };
}

/** Responses by key; the oldest is dropped when there are more than `size`. */
export function createCache(size) {
  const entries = new Map();
  return {
    has: (key) => entries.has(key),
    get: (key) => entries.get(key),
    set(key, data) {
      entries.set(key, data);
      if (entries.size > size) entries.delete(entries.keys().next().value);
    },
    /** The cached response, or fetch it (and keep it when it succeeds). */
    async fetch(key, path, options) {
      if (entries.has(key)) return entries.get(key);
      const data = await api(path, options);
      this.set(key, data);
      return data;
    },
  };
}

/** URL of a report's PDF, opened at a page. */
export function pdfUrl(docId, page) {
  const base = `/api/documents/${encodeURIComponent(docId)}/pdf`;
  return page ? `${base}#page=${page}` : base;
}

