import { checkBasicAuth, type ApiKeys } from './auth.js';
import { jsonReply, messageReply, type Reply } from './http-reply.js';

export const PROJECTS_PATH = '/api/public/projects';

/** The one project the receiver's keys belong to, shaped as Langfuse's `Projects` answer. */
const LOCAL_PROJECT = { id: 'local-project', name: 'otel-langfuse receiver', organization: { id: 'local-org', name: 'local' }, metadata: {} };

/** `GET /api/public/projects`: the project of the API key (how a client checks its keys), 401 for wrong keys. */
export function projectsReply(authorization: string | undefined, keys: ApiKeys): Reply {
  const auth = checkBasicAuth(authorization, keys);
  if (!auth.ok) return messageReply(401, auth.message);
  return jsonReply(200, { data: [LOCAL_PROJECT] });
}
