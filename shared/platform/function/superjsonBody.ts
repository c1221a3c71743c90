/**
 * Step requests, step results and checkpoints cross function boundaries as superjson, so Dates,
 * bigints (slonik returns int8 as bigint), Maps and Sets survive the trip. On the wire the body
 * is the superjson envelope `{"json": …, "meta": …}` as `application/json`.
 *
 * Decoding also accepts plain JSON (no envelope), so a person can start a step with curl.
 */
import superjson from 'superjson';

import { ValidationError } from '../errors.ts';

/** The JSON-safe envelope superjson produces. */
export type SuperjsonEnvelope = { readonly json: unknown; readonly meta?: unknown };

/** Encodes a value as a superjson envelope (a plain JSON object a function can return). */
export function encodeSuperjson(value: unknown): SuperjsonEnvelope {
  const { json, meta } = superjson.serialize(value);
  return meta === undefined ? { json } : { json, meta };
}

/** True for an object whose only keys are superjson's `json` and (optionally) `meta`. */
export function isSuperjsonEnvelope(value: unknown): value is SuperjsonEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.includes('json') && keys.every((key) => key === 'json' || key === 'meta');
}

/**
 * Decodes a request or callback body: a superjson envelope is revived (Dates, bigints…), plain
 * JSON passes as it is, a JSON string is parsed first. `where` names the body in errors.
 */
export function decodeSuperjson(body: unknown, where = 'request body'): unknown {
  let value = body;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const text = value.toString();
    if (text.trim() === '') {
      return undefined;
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new ValidationError('request.invalid_json', `The ${where} is not JSON; send application/json (a superjson envelope {"json": …, "meta": …} or plain JSON).`);
    }
  }
  if (!isSuperjsonEnvelope(value)) {
    return value;
  }
  try {
    return superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]);
  } catch (error) {
    throw new ValidationError('request.invalid_superjson', `The ${where} is a superjson envelope whose "meta" does not match its "json"; encode it with superjson.serialize().`, { cause: error });
  }
}
