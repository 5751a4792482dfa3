import type { WebhookSettings } from './definitions';
import { WEBHOOK_HOST } from './webhook-server';

/** What the panel shows for a webhook trigger: where to send, how to authenticate, a curl to copy. */
export interface WebhookInfo {
  url: string;
  path: string;
  methods: string[];
  port: number;
  /** False when the trigger is not running (the URL's port is then the configured one). */
  listening: boolean;
  secret: string;
  secret_location: string;
  /** Sends the secret in X-Hive-Secret. */
  curl: string;
  /** Signs the body instead (X-Hive-Signature-256), for senders that support HMAC. */
  curl_hmac: string;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function webhookInfo(
  s: WebhookSettings,
  secret: string,
  port: number,
  listening: boolean,
  secretLocation: string,
): WebhookInfo {
  const url = `http://${WEBHOOK_HOST}:${port}${s.path}`;
  const method = s.methods.includes('POST') ? 'POST' : s.methods[0]!;
  const body = '{"hello": "world"}';
  const withBody = method !== 'GET' && method !== 'HEAD';
  const data = withBody ? ` -H 'Content-Type: application/json' -d ${sh(body)}` : '';
  const curl = `curl -X ${method} ${sh(url)} -H ${sh(`X-Hive-Secret: ${secret}`)}${data}`;
  const signed = withBody ? body : '';
  const curlHmac =
    `body=${sh(signed)}; sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac ${sh(secret)} | sed 's/^.* //'); ` +
    `curl -X ${method} ${sh(url)} -H "X-Hive-Signature-256: sha256=$sig"${withBody ? ` -H 'Content-Type: application/json' --data-binary "$body"` : ''}`;
  return {
    url,
    path: s.path,
    methods: s.methods,
    port,
    listening,
    secret,
    secret_location: secretLocation,
    curl,
    curl_hmac: curlHmac,
  };
}
