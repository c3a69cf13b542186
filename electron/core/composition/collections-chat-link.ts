import type { PassageSource } from "../chat/collection-passages.js";
import type { CollectionsService } from "../collections/collections-service.js";

/** Chat finds a question's passages in the collections it names, without depending on them. */
export function collectionPassages(collections: Pick<CollectionsService, "query">): PassageSource {
  return { find: (ids, question, limit, signal) => collections.query(ids, question, limit, signal) };
}
