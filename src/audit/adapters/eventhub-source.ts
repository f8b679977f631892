import type { CheckpointStore, EventHubConsumerClient, PartitionContext, ReceivedEventData } from '@azure/event-hubs';
import type { TokenCredential } from '@azure/identity';
import { UsageError } from '../../core/errors.js';
import { containerClient, type BlobAuth } from './blob-source.js';
import { unwrap, type InputKind, type RecordSink } from './records.js';

/** The consumer group every hub has. */
export const DEFAULT_CONSUMER_GROUP = '$Default';

export type EventHubAuth = { connectionString: string } | { namespace: string; credential: TokenCredential };

export interface EventHubSourceOptions {
  /** The event hub the cluster's diagnostic setting streams kube-audit to. */
  hub: string;
  /** A connection string (its EntityPath, if any, must name `hub`), or a namespace (NAME.servicebus.windows.net) and an identity. */
  auth: EventHubAuth;
  consumerGroup?: string;
  /**
   * The blob container (`https://ACCOUNT.blob.core.windows.net/CONTAINER`) that keeps, per partition, the
   * position read up to (and which reader owns the partition): a restart resumes there.
   */
  checkpoint?: { containerUrl: string; auth: BlobAuth };
  /** Without a checkpoint: events enqueued after this; default the oldest the hub retains. */
  since?: Date;
  /** Keep reading until `signal` aborts; otherwise stop once every partition has been read up to the event that was its last when reading began. */
  follow?: boolean;
  /** Without follow: how long a partition may stay quiet before it counts as read to its end (seconds; default 5), for ends no event reaches (`since` after them). */
  quietSeconds?: number;
  signal: AbortSignal;
  /** Runs after each batch (writes its alerts) before the batch's checkpoint is recorded. */
  afterChunk: () => Promise<void>;
  /** A problem the client recovers from by itself (a lost connection) while following. */
  onWarning?: (message: string) => void;
  /** How often partition ownership is renewed (ms; default 10 s): tests shorten it. */
  loadBalancingIntervalMs?: number;
}

/** The place events of a partition are reported at: the hub and partition, and the event's sequence number as its line. */
export function partitionSource(hub: string, partitionId: string): string {
  return `${hub}/partitions/${partitionId}`;
}

/**
 * Hands the audit events inside one Event Hubs event to the sink: the body is what a diagnostic
 * setting sends (`{"records": [...]}` of resource-log records whose `properties.log` holds the event),
 * as UTF-8 JSON bytes or already decoded.
 */
export function unwrapEventBody(data: ReceivedEventData, kind: InputKind, sink: RecordSink, source: string): void {
  const line = data.sequenceNumber;
  let value: unknown = data.body;
  if (value instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
    } catch (e) {
      sink.malformed(source, line, `event body is not JSON (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
  }
  unwrap(value, kind, sink, source, line);
}

async function checkpointStore(opts: NonNullable<EventHubSourceOptions['checkpoint']>): Promise<CheckpointStore> {
  const { BlobCheckpointStore } = await import('@azure/eventhubs-checkpointstore-blob');
  const container = await containerClient(opts.containerUrl, opts.auth);
  if (!(await container.exists())) await container.create();
  return new BlobCheckpointStore(container);
}

/**
 * Reads a hub's events with the Event Hubs consumer client, every partition, each batch handed to
 * the sink, its alerts written (`afterChunk`), then its last event recorded as the partition's
 * checkpoint in the blob container: a restart neither repeats nor loses events. Without `follow`,
 * returns once every partition has been quiet for `quietSeconds` (read to its end).
 */
export async function readEventHub(opts: EventHubSourceOptions, kind: InputKind, sink: RecordSink): Promise<void> {
  const { EventHubConsumerClient, earliestEventPosition } = await import('@azure/event-hubs');
  const consumerGroup = opts.consumerGroup ?? DEFAULT_CONSUMER_GROUP;
  const store = opts.checkpoint ? await checkpointStore(opts.checkpoint) : undefined;
  const clientOptions = { loadBalancingOptions: { strategy: 'greedy' as const, updateIntervalInMs: opts.loadBalancingIntervalMs ?? 10_000 } };
  let client: EventHubConsumerClient;
  if ('connectionString' in opts.auth) {
    client = store ? new EventHubConsumerClient(consumerGroup, opts.auth.connectionString, opts.hub, store, clientOptions) : new EventHubConsumerClient(consumerGroup, opts.auth.connectionString, opts.hub, clientOptions);
  } else {
    client = store
      ? new EventHubConsumerClient(consumerGroup, opts.auth.namespace, opts.hub, opts.auth.credential, store, clientOptions)
      : new EventHubConsumerClient(consumerGroup, opts.auth.namespace, opts.hub, opts.auth.credential, clientOptions);
  }
  try {
    // Without follow, each partition is read up to its last event at the start: where it ends.
    const ends = new Map<string, number>();
    try {
      const partitionIds = await client.getPartitionIds({ abortSignal: opts.signal });
      if (!opts.follow) {
        const done = new Map<string, number>();
        if (store) for (const c of await store.listCheckpoints(client.fullyQualifiedNamespace, client.eventHubName, consumerGroup)) done.set(c.partitionId, c.sequenceNumber);
        for (const id of partitionIds) {
          const p = await client.getPartitionProperties(id, { abortSignal: opts.signal });
          if (!p.isEmpty && (done.get(id) ?? -1) < p.lastEnqueuedSequenceNumber) ends.set(id, p.lastEnqueuedSequenceNumber);
        }
        if (ends.size === 0) return;
      }
    } catch (e) {
      if (opts.signal.aborted) return;
      throw new UsageError(`event hub ${opts.hub}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const reached = (partitionId: string, sequenceNumber: number | undefined) => {
      const end = ends.get(partitionId);
      if (end !== undefined && (sequenceNumber === undefined || sequenceNumber >= end)) ends.delete(partitionId);
      return ends.size === 0;
    };
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        opts.signal.removeEventListener('abort', onAbort);
        // Closing waits for batches being processed, so their checkpoints are recorded.
        void subscription.close().then(
          () => (err === undefined ? resolve() : reject(err instanceof Error ? err : new Error(String(err)))),
          (closeErr: unknown) => reject(closeErr instanceof Error ? closeErr : new Error(String(closeErr))),
        );
      };
      const onAbort = () => finish();
      const subscription = client.subscribe(
        {
          processEvents: async (events: ReceivedEventData[], context: PartitionContext) => {
            if (settled) return;
            const last = events[events.length - 1];
            if (last) {
              const source = partitionSource(opts.hub, context.partitionId);
              for (const data of events) unwrapEventBody(data, kind, sink, source);
              await opts.afterChunk();
              await context.updateCheckpoint(last);
            }
            // A quiet partition counts as read to its end.
            if (!opts.follow && reached(context.partitionId, last?.sequenceNumber)) finish();
          },
          processError: async (err: Error, context: PartitionContext) => {
            if (opts.signal.aborted) return;
            const where = context.partitionId ? `partition ${context.partitionId}: ` : '';
            // Following, the client reconnects and carries on; a single read should say it failed.
            if (opts.follow) opts.onWarning?.(`event hub ${opts.hub}: ${where}${err.message}`);
            else finish(new Error(`event hub ${opts.hub}: ${where}${err.message}`));
          },
        },
        { startPosition: opts.since ? { enqueuedOn: opts.since } : earliestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: opts.follow ? 60 : (opts.quietSeconds ?? 5), skipParsingBodyAsJson: true },
      );
      if (opts.signal.aborted) finish();
      else opts.signal.addEventListener('abort', onAbort);
    });
  } finally {
    await client.close();
  }
}
