import { z } from 'zod';

/**
 * signal-cli's envelope as signal-cli-rest-api passes it on (../shared/specs/signal-cli-rest-api.md
 * §2c): one JSON-RPC `params` object per websocket frame in json-rpc mode, an array of them from
 * `GET /v1/receive` in normal mode. Loose: signal-cli adds fields often.
 */
const groupInfo = z.looseObject({ groupId: z.string(), groupName: z.string().optional() });

const dataMessage = z.looseObject({
  timestamp: z.number(),
  message: z.string().nullish(),
  groupInfo: groupInfo.nullish(),
  quote: z.looseObject({ id: z.number(), author: z.string().nullish(), authorNumber: z.string().nullish() }).nullish(),
  reaction: z
    .looseObject({
      emoji: z.string(),
      targetSentTimestamp: z.number(),
      targetAuthor: z.string().nullish(),
      targetAuthorNumber: z.string().nullish(),
      isRemove: z.boolean().optional(),
    })
    .nullish(),
});

export const envelopeFrameSchema = z.looseObject({
  account: z.string().optional(),
  envelope: z.looseObject({
    source: z.string().optional(),
    sourceNumber: z.string().nullish(),
    sourceUuid: z.string().nullish(),
    sourceName: z.string().nullish(),
    timestamp: z.number(),
    dataMessage: dataMessage.nullish(),
    syncMessage: z.unknown().optional(),
  }),
});

export type EnvelopeFrame = z.infer<typeof envelopeFrameSchema>;

/** `POST /v2/send` answers `{timestamp}` (≤ 0.100) or `[{timestamp, errors}]` (newer). */
const sendResultObject = z.looseObject({
  timestamp: z.union([z.string(), z.number()]),
  errors: z
    .looseObject({
      recipients: z
        .array(z.looseObject({ number: z.string().optional(), uuid: z.string().optional(), reason: z.string() }))
        .optional(),
    })
    .optional(),
});
export const sendResponseSchema = z.union([sendResultObject, z.array(sendResultObject).min(1)]);
export type SendResponse = z.infer<typeof sendResponseSchema>;
