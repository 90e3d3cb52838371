import type { Queryable } from '../pool.ts';

/** The `inbound_messages` table: each platform message id seen, so that a message delivered twice is acted on once. */
export function createInboundMessageRepository(db: Queryable) {
  return {
    /** True the first time this platform's message id is seen, false for every repeat. */
    async firstSighting(platform: string, externalId: string): Promise<boolean> {
      const result = await db.query(
        'INSERT INTO inbound_messages (platform, external_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1',
        [platform, externalId],
      );
      return result.rowCount === 1;
    },
  };
}
