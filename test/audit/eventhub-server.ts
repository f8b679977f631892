import type { AddressInfo, Server } from 'node:net';
// rhea is the AMQP 1.0 library @azure/event-hubs itself is built on; only this stand-in uses it.
import rhea, { type Connection, type EventContext, type Sender } from 'rhea';

/**
 * An Event Hubs namespace as the Event Hubs client sees it over plain AMQP (what it speaks to a
 * development emulator: `UseDevelopmentEmulator=true` in the connection string): claims-based
 * authorisation on `$cbs` (put-token), the `$management` READ of a hub (its partition ids) and of a
 * partition, and receiver links on `<hub>/ConsumerGroups/<cg>/Partitions/<id>` that start after the
 * position of their `apache.org:selector-filter:string` filter (offset, sequence number or enqueued
 * time) and deliver events carrying the x-opt-offset, x-opt-sequence-number and x-opt-enqueued-time
 * annotations, as far as the link's credit allows.
 */
export interface EventHubStandIn {
  /** `Endpoint=sb://127.0.0.1:PORT;SharedAccessKeyName=...;SharedAccessKey=...;UseDevelopmentEmulator=true` */
  connectionString: string;
  /** Appends an event (its body as UTF-8 JSON) to a partition of a hub (default the first). */
  publish(partition: string, body: unknown, hub?: string): void;
  /** Appends an event whose body is these bytes. */
  publishRaw(partition: string, body: Buffer, hub?: string): void;
  /** put-token requests answered, receiver links opened (with their filters): what the client did. */
  readonly log: { tokens: number; receivers: Array<{ address: string; filter: string }> };
  stop(): Promise<void>;
}

interface StoredEvent {
  offset: number;
  sequenceNumber: number;
  enqueued: Date;
  body: Buffer;
}

interface Reader {
  sender: Sender;
  hub: string;
  partition: string;
  /** Index in the partition's events of the next one to deliver. */
  next: number;
}

/** Index of the first event after the filter's position (`x-opt-offset > '12'`, `>= `, sequence number, time). */
function startIndex(events: readonly StoredEvent[], filter: string): number {
  const m = /amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=?)\s*'([^']*)'/.exec(filter);
  if (!m) throw new Error(`unsupported selector filter: ${filter}`);
  const [, field, op, raw] = m as unknown as [string, string, string, string];
  if (field === 'offset' && raw === '@latest') return events.length;
  const value = Number(raw);
  const key = (e: StoredEvent) => (field === 'offset' ? e.offset : field === 'sequence-number' ? e.sequenceNumber : e.enqueued.getTime());
  const i = events.findIndex((e) => (op === '>=' ? key(e) >= value : key(e) > value));
  return i < 0 ? events.length : i;
}

/** Hubs of one namespace on 127.0.0.1 and a free port, each with these partitions, until `stop`. */
export async function startEventHub(hubs: readonly string[], partitionIds: readonly string[] = ['0', '1']): Promise<EventHubStandIn> {
  // hub → partition → events
  const store = new Map<string, Map<string, StoredEvent[]>>(hubs.map((h) => [h, new Map(partitionIds.map((id) => [id, []]))]));
  const eventsOf = (hub: string, partition: string) => store.get(hub)?.get(partition) ?? [];
  const readers = new Set<Reader>();
  const connections = new Set<Connection>();
  const log = { tokens: 0, receivers: [] as Array<{ address: string; filter: string }> };
  let nextOffset = 0;
  const container = rhea.create_container({ id: 'eventhub-stand-in' });

  const pump = (r: Reader) => {
    const events = eventsOf(r.hub, r.partition);
    while (r.next < events.length && r.sender.sendable()) {
      const e = events[r.next++] as StoredEvent;
      r.sender.send({
        body: rhea.message.data_section(e.body),
        message_annotations: { 'x-opt-offset': String(e.offset), 'x-opt-sequence-number': e.sequenceNumber, 'x-opt-enqueued-time': e.enqueued },
      });
    }
  };

  // The links $cbs and $management answers go back on, per connection.
  const replySenders = new Map<Connection, Sender[]>();
  /** Answers a request on the link the client named after the request's reply-to address, correlated by its message id. */
  const reply = (ctx: EventContext, properties: Record<string, unknown>, body: unknown) => {
    const request = ctx.message;
    if (!request) return;
    const sender = (replySenders.get(ctx.connection) ?? []).find((s) => s.name === request.reply_to);
    sender?.send({ correlation_id: request.message_id, application_properties: properties, body });
  };

  container.on('connection_open', (ctx: EventContext) => {
    connections.add(ctx.connection);
  });
  container.on('disconnected', (ctx: EventContext) => {
    connections.delete(ctx.connection);
    for (const r of readers) if (r.sender.connection === ctx.connection) readers.delete(r);
    replySenders.delete(ctx.connection);
  });
  container.on('sender_open', (ctx: EventContext) => {
    const sender = ctx.sender as Sender;
    // rhea's typings leave out the peer's attach frame, where the link's source address and filter are.
    const remote = (sender as unknown as { remote: { attach: { source?: { address?: string; filter?: Record<string, unknown> } } } }).remote.attach;
    const address = remote.source?.address ?? '';
    const m = /^([^/]+)\/ConsumerGroups\/[^/]+\/Partitions\/([^/]+)$/i.exec(address);
    if (!m) {
      // $cbs and $management: the link the answers to requests go back on.
      const list = replySenders.get(ctx.connection) ?? [];
      list.push(sender);
      replySenders.set(ctx.connection, list);
      return;
    }
    const [, hub, partition] = m as unknown as [string, string, string];
    const described = remote.source?.filter?.['apache.org:selector-filter:string'] as { value?: unknown } | string | undefined;
    const filter = typeof described === 'string' ? described : String(described?.value ?? '');
    log.receivers.push({ address, filter });
    if (!store.get(hub)?.has(partition)) {
      sender.close({ condition: 'amqp:not-found', description: `The messaging entity '${address}' could not be found.` });
      return;
    }
    const reader: Reader = { sender, hub, partition, next: startIndex(eventsOf(hub, partition), filter) };
    readers.add(reader);
    sender.on('sendable', () => pump(reader));
    sender.on('sender_close', () => readers.delete(reader));
  });
  container.on('message', (ctx: EventContext) => {
    const msg = ctx.message;
    const target = (ctx.receiver as unknown as { remote: { attach?: { target?: { address?: string } } } }).remote.attach?.target?.address ?? '';
    if (!msg) return;
    const props = (msg.application_properties ?? {}) as Record<string, unknown>;
    if (target === '$cbs' && props.operation === 'put-token') {
      log.tokens++;
      reply(ctx, { 'status-code': 200, 'status-description': 'OK' }, undefined);
      return;
    }
    if (target.endsWith('$management') && props.operation === 'READ') {
      const hub = String(props.name);
      if (!store.has(hub)) {
        reply(ctx, { 'status-code': 404, 'status-description': `The messaging entity '${String(props.name)}' could not be found.`, 'error-condition': 'amqp:not-found' }, undefined);
        return;
      }
      if (props.type === 'com.microsoft:eventhub') {
        reply(ctx, { 'status-code': 200 }, { name: hub, created_at: new Date('2026-11-01T00:00:00Z'), partition_count: partitionIds.length, partition_ids: [...partitionIds] });
        return;
      }
      const id = String(props.partition);
      const events = eventsOf(hub, id);
      const last = events[events.length - 1];
      reply(
        ctx,
        { 'status-code': 200 },
        {
          name: hub,
          partition: id,
          begin_sequence_number: events[0]?.sequenceNumber ?? 0,
          last_enqueued_sequence_number: last?.sequenceNumber ?? -1,
          last_enqueued_offset: String(last?.offset ?? -1),
          last_enqueued_time_utc: last?.enqueued ?? new Date(0),
          is_partition_empty: events.length === 0,
        },
      );
      return;
    }
    reply(ctx, { 'status-code': 400, 'status-description': `unsupported request to ${target}` }, undefined);
  });

  const publishRaw = (partition: string, body: Buffer, hub = hubs[0] as string) => {
    const events = store.get(hub)?.get(partition);
    if (!events) throw new Error(`no partition ${hub}/${partition}`);
    events.push({ offset: nextOffset, sequenceNumber: events.length, enqueued: new Date(), body });
    nextOffset += body.length;
    for (const r of readers) if (r.hub === hub && r.partition === partition) pump(r);
  };

  const server: Server = container.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
  await new Promise<void>((res, rej) => {
    server.once('listening', res);
    server.once('error', rej);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
    log,
    publish: (partition, body, hub) => publishRaw(partition, Buffer.from(JSON.stringify(body)), hub),
    publishRaw,
    stop: () =>
      new Promise<void>((res) => {
        for (const c of connections) c.close();
        server.close(() => res());
      }),
  };
}
