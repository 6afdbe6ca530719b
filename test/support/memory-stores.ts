// An in-memory `Stores` for fast use-case tests. It mimics what the database guarantees and the
// use cases rely on: unique constraints surfacing as DocaxisError codes, compare-and-set status
// updates, a hash-chained log, and transactions that roll back on throw (snapshot/restore).
// Writes are serialised through one lock (a transaction holds it for its whole run; a write
// outside a transaction takes it for itself), so concurrent tests cannot lose each other's writes.
import { randomUUID } from 'node:crypto';
import { DocaxisError } from '../../src/errors.js';
import { GENESIS_HASH, chainHash } from '../../src/db/log-chain.js';
import type {
  ArchiveState,
  Agency,
  AgencyLevel,
  ExchangeCounts,
  ExchangeCountsByGroup,
  AgencyCertificate,
  ApiToken,
  Credentials,
  PasswordLink,
  Session,
  SignInThrottle,
  Delivery,
  DocumentFilter,
  Draft,
  DraftEvent,
  DraftVersion,
  PreparedSignature,
  CscCredentialBinding,
  CscPending,
  CscProvider,
  ExchangeDocument,
  LogEntry,
  LogEntryInput,
  LogFilter,
  LogSeal,
  Page,
  PageOf,
  RegisterEntry,
  RegisterFilter,
  StatusEvent,
  StatisticsRange,
  Stores,
  StoredCrl,
  TrustAnchor,
  SealKeyBinding,
  User,
} from '../../src/db/ports.js';

export interface MemoryState {
  agencies: Agency[];
  users: User[];
  tokens: Array<ApiToken & { tokenHash: string }>;
  credentials: Credentials[];
  throttles: SignInThrottle[];
  /** When each throttle row was last written (the database's updated_at). */
  throttleUpdatedAt: Map<string, Date>;
  passwordLinks: Array<PasswordLink & { tokenHash: string }>;
  sessions: Array<Session & { secretHash: string }>;
  certificates: AgencyCertificate[];
  anchors: TrustAnchor[];
  crls: StoredCrl[];
  blobs: Map<string, Uint8Array>;
  documents: ExchangeDocument[];
  deliveries: Delivery[];
  events: StatusEvent[];
  log: LogEntry[];
  seals: LogSeal[];
  /** `${agencyId}/${year}` -> last number given. */
  registerCounters: Map<string, number>;
  registerEntries: RegisterEntry[];
  registerAbbreviations: Map<string, string>;
  sealKeys: SealKeyBinding[];
  drafts: Draft[];
  draftVersions: DraftVersion[];
  draftEvents: DraftEvent[];
  prepared: PreparedSignature[];
  archives: Map<string, ArchiveState>;
  cscProviders: CscProvider[];
  cscCredentials: CscCredentialBinding[];
  cscPending: CscPending[];
}

function emptyState(): MemoryState {
  return { agencies: [], users: [], tokens: [], credentials: [], throttles: [], throttleUpdatedAt: new Map(), passwordLinks: [], sessions: [], certificates: [], anchors: [], crls: [], blobs: new Map(), documents: [], deliveries: [], events: [], log: [], seals: [], registerCounters: new Map(), registerEntries: [], registerAbbreviations: new Map(), sealKeys: [], drafts: [], draftVersions: [], draftEvents: [], prepared: [], archives: new Map(), cscProviders: [], cscCredentials: [], cscPending: [] };
}

/** Callers get copies: mutating a returned record must not change the store (as with a database). */
const copy = <T>(v: T): T => structuredClone(v);

/** Offset cursors are enough here; the database uses keyset cursors. */
function paginate<T>(items: T[], page: Page): PageOf<T> {
  const start = page.after ? Number(page.after) : 0;
  const slice = items.slice(start, start + page.limit);
  const end = start + slice.length;
  return { items: slice.map(copy), next: end < items.length ? String(end) : null };
}

export class MemoryStores implements Stores {
  state: MemoryState = emptyState();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly view: Stores;

  constructor() {
    this.view = this.makeView(false);
    this.agencies = this.view.agencies;
    this.users = this.view.users;
    this.tokens = this.view.tokens;
    this.credentials = this.view.credentials;
    this.sessions = this.view.sessions;
    this.certificates = this.view.certificates;
    this.trust = this.view.trust;
    this.blobs = this.view.blobs;
    this.documents = this.view.documents;
    this.deliveries = this.view.deliveries;
    this.log = this.view.log;
    this.seals = this.view.seals;
    this.statistics = this.view.statistics;
    this.register = this.view.register;
    this.sealKeys = this.view.sealKeys;
    this.drafts = this.view.drafts;
    this.archives = this.view.archives;
    this.csc = this.view.csc;
  }

  agencies: Stores['agencies'];
  users: Stores['users'];
  tokens: Stores['tokens'];
  credentials: Stores['credentials'];
  sessions: Stores['sessions'];
  certificates: Stores['certificates'];
  trust: Stores['trust'];
  blobs: Stores['blobs'];
  documents: Stores['documents'];
  deliveries: Stores['deliveries'];
  log: Stores['log'];
  seals: Stores['seals'];
  statistics: Stores['statistics'];
  register: Stores['register'];
  sealKeys: Stores['sealKeys'];
  drafts: Stores['drafts'];
  archives: Stores['archives'];
  csc: Stores['csc'];

  transaction<T>(fn: (tx: Stores) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const snapshot = structuredClone(this.state);
      try {
        return await fn(this.makeView(true));
      } catch (e) {
        this.state = snapshot;
        throw e;
      }
    });
  }

  /** Test helper: change a stored log entry behind the chain's back (what a rogue DBA could do). */
  tamperLog(seq: number, change: (e: LogEntry) => void): void {
    const e = this.state.log.find((x) => x.seq === seq);
    if (!e) throw new Error(`no log entry ${seq}`);
    change(e);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private makeView(inTx: boolean): Stores {
    const s = () => this.state;
    // Outside a transaction each write is its own little transaction under the lock.
    const w = <T>(fn: () => T): Promise<T> => (inTx ? Promise.resolve().then(fn) : this.exclusive(async () => fn()));
    const r = <T>(fn: () => T): Promise<T> => Promise.resolve().then(fn);
    const now = () => new Date();
    const view: Stores = {
      transaction: <T>(fn: (tx: Stores) => Promise<T>): Promise<T> => (inTx ? fn(view) : this.transaction(fn)),
      agencies: {
        byCode: (code) => r(() => copy(s().agencies.find((a) => a.code === code))),
        byId: (id) => r(() => copy(s().agencies.find((a) => a.id === id))),
        list: () => r(() => copy([...s().agencies].sort((a, b) => a.code.localeCompare(b.code)))),
        insert: (a) =>
          w(() => {
            if (s().agencies.some((x) => x.code === a.code)) throw new DocaxisError('AGENCY_EXISTS', a.code);
            const row: Agency = { ...copy(a), id: randomUUID(), createdAt: now() };
            s().agencies.push(row);
            return copy(row);
          }),
        setActive: (id, active) =>
          w(() => {
            const a = s().agencies.find((x) => x.id === id);
            if (a) a.active = active;
          }),
      },
      users: {
        byId: (id) => r(() => copy(s().users.find((u) => u.id === id))),
        list: (agencyId) => r(() => copy(s().users.filter((u) => agencyId === undefined || u.agencyId === agencyId))),
        insert: (u) =>
          w(() => {
            const { roles, ...rest } = copy(u);
            const row: User = { ...rest, roles: [...new Set([u.role, ...(roles ?? [])])], id: randomUUID(), createdAt: now() };
            s().users.push(row);
            return copy(row);
          }),
        setRoles: (id, roles) =>
          w(() => {
            const u = s().users.find((x) => x.id === id);
            if (!u || roles.length === 0) return copy(u);
            if (!roles.includes(u.role)) u.role = roles[0]!;
            u.roles = [...new Set(roles)];
            return copy(u);
          }),
        setActive: (id, active) =>
          w(() => {
            const u = s().users.find((x) => x.id === id);
            if (u) u.active = active;
          }),
      },
      tokens: {
        insert: (t) =>
          w(() => {
            const row = { ...t, id: randomUUID(), createdAt: now(), revokedAt: null };
            s().tokens.push(row);
            const { tokenHash: _hash, ...token } = row;
            return copy(token);
          }),
        findPrincipal: (tokenHash) =>
          r(() => {
            const t = s().tokens.find((x) => x.tokenHash === tokenHash && x.revokedAt === null);
            const user = t && s().users.find((u) => u.id === t.userId && u.active);
            const agency = user && s().agencies.find((a) => a.id === user.agencyId && a.active);
            return t && user && agency ? copy({ user, agency, tokenId: t.id }) : undefined;
          }),
        revoke: (tokenId, at) =>
          w(() => {
            const t = s().tokens.find((x) => x.id === tokenId);
            if (t && t.revokedAt === null) t.revokedAt = at;
          }),
        listForUser: (userId) => r(() => copy(s().tokens.filter((t) => t.userId === userId).map(({ tokenHash: _h, ...t }) => t))),
      },
      credentials: {
        byUsername: (username) => r(() => copy(s().credentials.find((c) => c.username === username))),
        byUserId: (userId) => r(() => copy(s().credentials.find((c) => c.userId === userId))),
        insert: (c) =>
          w(() => {
            if (s().credentials.some((x) => x.username === c.username || x.userId === c.userId)) throw new DocaxisError('USERNAME_TAKEN', c.username, { details: { username: c.username } });
            const row: Credentials = { ...c, passwordHash: null, passwordChangedAt: null };
            s().credentials.push(row);
            return copy(row);
          }),
        setPassword: (userId, passwordHash, at) =>
          w(() => {
            const c = s().credentials.find((x) => x.userId === userId);
            if (c) Object.assign(c, { passwordHash, passwordChangedAt: at });
          }),
        usernamesOf: (ids) => r(() => new Map(s().credentials.filter((c) => ids.includes(c.userId)).map((c) => [c.userId, c.username]))),
        throttle: (username) => r(() => copy(s().throttles.find((t) => t.username === username))),
        addFailure: (username, at) =>
          w(() => {
            let t = s().throttles.find((x) => x.username === username);
            if (!t) s().throttles.push((t = { username, failures: 0, lockCount: 0, lockedUntil: null }));
            s().throttleUpdatedAt.set(username, at);
            t.failures++;
            return copy(t);
          }),
        lock: (username, until, at) =>
          w(() => {
            let t = s().throttles.find((x) => x.username === username);
            if (!t) s().throttles.push((t = { username, failures: 0, lockCount: 0, lockedUntil: null }));
            s().throttleUpdatedAt.set(username, at);
            Object.assign(t, { failures: 0, lockCount: t.lockCount + 1, lockedUntil: until });
            return copy(t);
          }),
        clearThrottle: (username) =>
          w(() => {
            s().throttles = s().throttles.filter((x) => x.username !== username);
            s().throttleUpdatedAt.delete(username);
          }),
        pruneThrottle: (staleBefore, at, limit) =>
          w(() => {
            const stale = s()
              .throttles.filter((x) => (s().throttleUpdatedAt.get(x.username) ?? at) < staleBefore && (x.lockedUntil === null || x.lockedUntil < at))
              .slice(0, limit)
              .map((x) => x.username);
            s().throttles = s().throttles.filter((x) => !stale.includes(x.username));
            for (const u of stale) s().throttleUpdatedAt.delete(u);
            return stale.length;
          }),
        insertLink: (l) =>
          w(() => {
            const row = { ...copy(l), id: randomUUID(), createdAt: now(), usedAt: null };
            s().passwordLinks.push(row);
            const { tokenHash: _h, ...link } = row;
            return copy(link);
          }),
        usableLink: (tokenHash, at) =>
          r(() => {
            const l = s().passwordLinks.find((x) => x.tokenHash === tokenHash && x.usedAt === null && x.expiresAt > at);
            if (!l) return undefined;
            const { tokenHash: _h, ...link } = l;
            return copy(link);
          }),
        useLink: (id, at) =>
          w(() => {
            const l = s().passwordLinks.find((x) => x.id === id && x.usedAt === null);
            if (l) l.usedAt = at;
            return l !== undefined;
          }),
        endLinks: (userId, at) =>
          w(() => {
            for (const l of s().passwordLinks) if (l.userId === userId && l.usedAt === null) l.usedAt = at;
          }),
      },
      sessions: {
        insert: (x) =>
          w(() => {
            const row = { id: randomUUID(), userId: x.userId, secretHash: x.secretHash, createdAt: x.at, lastSeenAt: x.at, expiresAt: x.expiresAt, revokedAt: null, ip: x.ip, userAgent: x.userAgent };
            s().sessions.push(row);
            const { secretHash: _h, ...session } = row;
            return copy(session);
          }),
        findBySecret: (secretHash) =>
          r(() => {
            const row = s().sessions.find((x) => x.secretHash === secretHash);
            const user = row && s().users.find((u) => u.id === row.userId && u.active);
            const agency = user && s().agencies.find((a) => a.id === user.agencyId && a.active);
            if (!row || !user || !agency) return undefined;
            const { secretHash: _h, ...session } = row;
            return copy({ session, principal: { user, agency, tokenId: null, sessionId: row.id } });
          }),
        touch: (id, at) =>
          w(() => {
            const x = s().sessions.find((y) => y.id === id);
            if (x) x.lastSeenAt = at;
          }),
        revoke: (id, at) =>
          w(() => {
            const x = s().sessions.find((y) => y.id === id);
            if (x && x.revokedAt === null) x.revokedAt = at;
          }),
        revokeAllForUser: (userId, at, exceptId) =>
          w(() => {
            let n = 0;
            for (const x of s().sessions)
              if (x.userId === userId && x.revokedAt === null && x.id !== exceptId) {
                x.revokedAt = at;
                n++;
              }
            return n;
          }),
        listOpenForUser: (userId, at) =>
          r(() =>
            copy(
              s()
                .sessions.filter((x) => x.userId === userId && x.revokedAt === null && x.expiresAt > at)
                .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
                .map(({ secretHash: _h, ...x }) => x),
            ),
          ),
        byId: (id) =>
          r(() => {
            const x = s().sessions.find((y) => y.id === id);
            if (!x) return undefined;
            const { secretHash: _h, ...session } = x;
            return copy(session);
          }),
        pruneEnded: (endedBefore, idleBefore, limit) =>
          w(() => {
            const ended = (x: Session) => (x.revokedAt !== null && x.revokedAt < endedBefore) || x.expiresAt < endedBefore || x.lastSeenAt < idleBefore;
            const gone = new Set(s().sessions.filter(ended).slice(0, limit).map((x) => x.id));
            s().sessions = s().sessions.filter((x) => !gone.has(x.id));
            return gone.size;
          }),
      },
      certificates: {
        insert: (c) =>
          w(() => {
            const row: AgencyCertificate = { ...copy(c), id: randomUUID(), createdAt: now(), active: true };
            s().certificates.push(row);
            return copy(row);
          }),
        listForAgency: (agencyId, activeOnly) => r(() => copy(s().certificates.filter((c) => c.agencyId === agencyId && (!activeOnly || c.active)))),
        setActive: (id, active) =>
          w(() => {
            const c = s().certificates.find((x) => x.id === id);
            if (c) c.active = active;
          }),
        bindingsAmong: (fingerprints) =>
          r(() => {
            const wanted = new Set(fingerprints.map((f) => f.toLowerCase()));
            return s()
              .certificates.filter((c) => wanted.has(c.fingerprintSha256.toLowerCase()))
              .map((c) => ({ fingerprintSha256: c.fingerprintSha256.toLowerCase(), agencyId: c.agencyId, active: c.active }));
          }),
      },
      trust: {
        anchors: (activeOnly) => r(() => copy(s().anchors.filter((a) => !activeOnly || a.active))),
        addAnchor: (a) =>
          w(() => {
            const row: TrustAnchor = { ...copy(a), id: randomUUID(), createdAt: now(), active: true };
            s().anchors.push(row);
            return copy(row);
          }),
        setAnchorActive: (id, active) =>
          w(() => {
            const a = s().anchors.find((x) => x.id === id);
            if (a) a.active = active;
          }),
        crls: () => r(() => copy(s().crls)),
        version: () => r(() => `${s().anchors.filter((a) => a.active).map((a) => a.id).join(',')}|${s().crls.map((c) => c.id).join(',')}`),
        addCrl: (c) =>
          w(() => {
            const row: StoredCrl = { ...copy(c), id: randomUUID(), createdAt: now() };
            s().crls.push(row);
            return copy(row);
          }),
      },
      blobs: {
        put: (sha256, bytes) =>
          w(() => {
            if (!s().blobs.has(sha256)) s().blobs.set(sha256, Uint8Array.prototype.slice.call(bytes));
          }),
        get: (sha256) => r(() => copy(s().blobs.get(sha256))),
      },
      documents: {
        insert: (d) =>
          w(() => {
            const docs = s().documents;
            if (d.idempotencyKey !== null && docs.some((x) => x.senderAgencyId === d.senderAgencyId && x.idempotencyKey === d.idempotencyKey)) {
              throw new DocaxisError('IDEMPOTENCY_KEY_REUSED');
            }
            const m = d.metadata;
            if (docs.some((x) => x.senderAgencyId === d.senderAgencyId && x.year === d.year && x.metadata.codeNumber === m.codeNumber && x.metadata.codeNotation === m.codeNotation)) {
              throw new DocaxisError('DUPLICATE_NUMBER', `${m.codeNumber}/${m.codeNotation}`);
            }
            const row: ExchangeDocument = { ...copy(d), id: d.id ?? randomUUID(), createdAt: now() };
            docs.push(row);
            return copy(row);
          }),
        byId: (id) => r(() => copy(s().documents.find((d) => d.id === id))),
        byIdempotencyKey: (senderAgencyId, key) => r(() => copy(s().documents.find((d) => d.senderAgencyId === senderAgencyId && d.idempotencyKey === key))),
        numberTaken: (senderAgencyId, year, codeNumber, codeNotation) =>
          r(() => s().documents.some((d) => d.senderAgencyId === senderAgencyId && d.year === year && d.metadata.codeNumber === codeNumber && d.metadata.codeNotation === codeNotation)),
        list: (filter, page) => r(() => paginate(listDocuments(s(), filter), page)),
      },
      deliveries: {
        insertMany: (ds) =>
          w(() => {
            const rows = ds.map((d) => ({ ...copy(d), id: d.id ?? randomUUID() }));
            s().deliveries.push(...rows);
            return copy(rows);
          }),
        forDocument: (documentId) => r(() => copy(s().deliveries.filter((d) => d.documentId === documentId))),
        byDocumentAndRecipient: (documentId, recipientAgencyId) => r(() => copy(s().deliveries.find((d) => d.documentId === documentId && d.recipientAgencyId === recipientAgencyId))),
        notHandledCount: (agencyId, statuses) => r(() => s().deliveries.filter((d) => d.recipientAgencyId === agencyId && statuses.includes(d.status) && !d.withdrawn).length),
        updateStatus: (id, from, to, at, withdrawn) =>
          w(() => {
            const d = s().deliveries.find((x) => x.id === id);
            if (!d || d.status !== from) return false;
            d.status = to;
            d.statusUpdatedAt = at;
            if (withdrawn !== undefined) d.withdrawn = withdrawn;
            return true;
          }),
        addEvent: (e) =>
          w(() => {
            const row: StatusEvent = { ...copy(e), id: randomUUID() };
            s().events.push(row);
            return copy(row);
          }),
        addEvents: (es) =>
          w(() => {
            const rows: StatusEvent[] = es.map((e) => ({ ...copy(e), id: randomUUID() }));
            s().events.push(...rows);
            return copy(rows);
          }),
        events: (deliveryId) => r(() => copy(s().events.filter((e) => e.deliveryId === deliveryId))),
      },
      log: {
        append: (e, at) => w(() => copy(appendEntry(s(), e, at))),
        appendMany: (es, at) => w(() => copy(es.map((e) => appendEntry(s(), e, at)))),
        range: (fromSeq, toSeq) => r(() => copy(s().log.filter((x) => x.seq >= fromSeq && x.seq <= toSeq))),
        search: (filter, page) => r(() => paginate(s().log.filter((x) => logMatches(x, filter)), page)),
        head: () => r(() => copy(s().log.at(-1))),
      },
      seals: {
        insert: (seal) =>
          w(() => {
            // As the unique index on from_seq: a second seal of the same entries is refused.
            if (s().seals.some((x) => x.fromSeq === seal.fromSeq)) throw new DocaxisError('LOG_SEAL_CONFLICT', `entries from ${seal.fromSeq} are already sealed`);
            const row: LogSeal = { ...copy(seal), id: randomUUID() };
            s().seals.push(row);
            return copy(row);
          }),
        list: () => r(() => copy([...s().seals].sort((a, b) => a.fromSeq - b.fromSeq))),
        last: () => r(() => copy([...s().seals].sort((a, b) => b.toSeq - a.toSeq)[0])),
      },
      statistics: {
        counts: (range) => r(() => statisticsOf(s(), range)),
      },
      register: {
        // As the counter row: the next number and the entry in one write under the lock; a
        // transaction that throws restores the snapshot, counter included.
        register: (e) =>
          w(() => {
            const key = `${e.agencyId}/${e.year}`;
            const number = (s().registerCounters.get(key) ?? 0) + 1;
            s().registerCounters.set(key, number);
            const row: RegisterEntry = { ...copy(e), id: randomUUID(), number, documentId: null };
            s().registerEntries.push(row);
            return copy(row);
          }),
        search: (f, page) => r(() => paginate(registerMatches(s(), f), page)),
        linkDocument: (agencyId, entryId, documentId) =>
          w(() => {
            const e = s().registerEntries.find((x) => x.id === entryId && x.agencyId === agencyId && x.documentId === null);
            if (e) e.documentId = documentId;
            return e !== undefined;
          }),
        abbreviation: (agencyId) => r(() => s().registerAbbreviations.get(agencyId)),
        setAbbreviation: (agencyId, abbreviation) =>
          w(() => {
            s().registerAbbreviations.set(agencyId, abbreviation);
          }),
      },
      sealKeys: {
        insert: (b) =>
          w(() => {
            // As the partial unique index: one active binding per agency.
            if (s().sealKeys.some((x) => x.agencyId === b.agencyId && x.active)) throw new Error('agency_seal_keys_one_active');
            const row: SealKeyBinding = { ...copy(b), id: randomUUID(), createdAt: now(), active: true };
            s().sealKeys.push(row);
            return copy(row);
          }),
        activeFor: (agencyId) => r(() => copy(s().sealKeys.find((x) => x.agencyId === agencyId && x.active))),
        listFor: (agencyId) => r(() => copy(s().sealKeys.filter((x) => x.agencyId === agencyId).reverse())),
        deactivate: (agencyId) =>
          w(() => {
            const active = s().sealKeys.filter((x) => x.agencyId === agencyId && x.active);
            for (const x of active) x.active = false;
            return active.length;
          }),
      },
      archives: {
        state: (id) => r(() => copy(s().archives.get(id))),
        record: (expected, next) =>
          w(() => {
            if ((s().archives.get(next.documentId)?.archivalSha256 ?? null) !== expected) return false;
            s().archives.set(next.documentId, copy(next));
            return true;
          }),
        due: (now, limit, weak) =>
          r(() => {
            const accepted = new Set(s().deliveries.filter((d) => ['03', '04', '05', '06'].includes(d.status)).map((d) => d.documentId));
            const when = (d: ExchangeDocument) => s().archives.get(d.id)?.nextRenewalAt ?? d.createdAt;
            return s()
              .documents.filter((d) => {
                const a = s().archives.get(d.id);
                return a ? a.nextRenewalAt <= now || weak.includes(a.digest) : accepted.has(d.id);
              })
              .sort((a, b) => when(a).getTime() - when(b).getTime() || a.id.localeCompare(b.id))
              .slice(0, limit)
              .map((d) => d.id);
          }),
      },
      drafts: {
        insert: (d, at) =>
          w(() => {
            const row: Draft = { ...copy(d), id: randomUUID(), createdAt: at, updatedAt: at };
            s().drafts.push(row);
            return copy(row);
          }),
        byId: (id) => r(() => copy(s().drafts.find((d) => d.id === id))),
        list: (f, page) =>
          r(() =>
            paginate(
              s()
                .drafts.filter((d) => d.agencyId === f.agencyId && (!f.status || d.status === f.status) && (!f.involvingUserId || d.drafterUserId === f.involvingUserId || d.signerUserId === f.involvingUserId))
                .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id.localeCompare(a.id)),
              page,
            ),
          ),
        update: (id, from, to, at) =>
          w(() => {
            const d = s().drafts.find((x) => x.id === id);
            if (!d || d.status !== from.status || d.currentVersion !== from.currentVersion) return false;
            Object.assign(d, copy(to), { updatedAt: at });
            return true;
          }),
        addVersion: (v, at) =>
          w(() => {
            if (s().draftVersions.some((x) => x.draftId === v.draftId && x.version === v.version)) throw new DocaxisError('DB_UNAVAILABLE', 'duplicate draft version');
            const row: DraftVersion = { ...copy(v), createdAt: at };
            s().draftVersions.push(row);
            return copy(row);
          }),
        versions: (draftId) => r(() => copy(s().draftVersions.filter((v) => v.draftId === draftId).sort((a, b) => a.version - b.version))),
        addEvent: (e) =>
          w(() => {
            const row: DraftEvent = { ...copy(e), id: randomUUID() };
            s().draftEvents.push(row);
            return copy(row);
          }),
        events: (draftId) => r(() => copy(s().draftEvents.filter((e) => e.draftId === draftId))),
        insertPrepared: (p, at) =>
          w(() => {
            const row: PreparedSignature = { ...copy(p), id: randomUUID(), createdAt: at, usedAt: null };
            s().prepared.push(row);
            return copy(row);
          }),
        preparedById: (id) => r(() => copy(s().prepared.find((p) => p.id === id))),
        markPreparedUsed: (id, at) =>
          w(() => {
            const p = s().prepared.find((x) => x.id === id);
            if (!p || p.usedAt !== null) return false;
            p.usedAt = at;
            return true;
          }),
      },
      csc: {
        insertProvider: (p, at) =>
          w(() => {
            if (s().cscProviders.some((x) => x.name === p.name)) throw new DocaxisError('DB_UNAVAILABLE', 'duplicate provider name');
            const row: CscProvider = { ...copy(p), id: randomUUID(), createdAt: at, updatedAt: at };
            s().cscProviders.push(row);
            return copy(row);
          }),
        updateProvider: (id, to, at) =>
          w(() => {
            const p = s().cscProviders.find((x) => x.id === id);
            if (p) Object.assign(p, copy(to), { updatedAt: at });
            return copy(p);
          }),
        providerById: (id) => r(() => copy(s().cscProviders.find((x) => x.id === id))),
        providers: () => r(() => copy([...s().cscProviders].sort((a, b) => a.name.localeCompare(b.name)))),
        insertCredential: (c, at) =>
          w(() => {
            if (s().cscCredentials.some((x) => x.userId === c.userId && x.providerId === c.providerId && x.credentialId === c.credentialId)) throw new DocaxisError('DB_UNAVAILABLE', 'duplicate credential binding');
            const row: CscCredentialBinding = { ...copy(c), id: randomUUID(), createdAt: at };
            s().cscCredentials.push(row);
            return copy(row);
          }),
        credentialById: (id) => r(() => copy(s().cscCredentials.find((x) => x.id === id))),
        credentialsOf: (userId) => r(() => copy(s().cscCredentials.filter((x) => x.userId === userId))),
        insertPending: (p, at) =>
          w(() => {
            const row: CscPending = { ...copy(p), id: randomUUID(), createdAt: at, updatedAt: at };
            s().cscPending.push(row);
            return copy(row);
          }),
        pendingById: (id) => r(() => copy(s().cscPending.find((x) => x.id === id))),
        updatePending: (id, from, to, at) =>
          w(() => {
            const p = s().cscPending.find((x) => x.id === id);
            if (!p || p.status !== from) return false;
            Object.assign(p, copy(to), { updatedAt: at });
            return true;
          }),
        awaitingConfirmation: () => r(() => copy(s().cscPending.filter((x) => x.status === 'awaiting-confirmation'))),
      },
    };
    return view;
  }
}

/** Newest first, as the database orders them (insertion order breaks ties). */
function registerMatches(st: MemoryState, f: RegisterFilter): RegisterEntry[] {
  const text = f.text?.toLowerCase();
  return st.registerEntries
    .map((e, i) => ({ e, i }))
    .filter(
      ({ e }) =>
        e.agencyId === f.agencyId &&
        (f.year === undefined || e.year === f.year) &&
        (f.number === undefined || e.number === f.number) &&
        (text === undefined || e.subject.toLowerCase().includes(text) || `${e.number}/${e.notation}`.toLowerCase().includes(text)) &&
        (f.from === undefined || e.registeredAt >= f.from) &&
        (f.to === undefined || e.registeredAt < f.to),
    )
    .sort((a, b) => b.e.registeredAt.getTime() - a.e.registeredAt.getTime() || b.i - a.i)
    .map(({ e }) => e);
}

function listDocuments(st: MemoryState, f: DocumentFilter): ExchangeDocument[] {
  const deliveriesOf = (id: string) => st.deliveries.filter((d) => d.documentId === id);
  const out = st.documents.filter((doc) => {
    let ds = deliveriesOf(doc.id);
    if (f.recipientAgencyId !== undefined) {
      ds = ds.filter((d) => d.recipientAgencyId === f.recipientAgencyId && !d.withdrawn);
      if (ds.length === 0) return false;
    }
    if (f.senderAgencyId !== undefined && doc.senderAgencyId !== f.senderAgencyId) return false;
    if (f.status !== undefined && !ds.some((d) => d.status === f.status)) return false;
    if (f.priority !== undefined && doc.metadata.priority !== f.priority) return false;
    if (f.documentType !== undefined && doc.metadata.documentType !== f.documentType) return false;
    if (f.senderCode !== undefined && doc.senderCode !== f.senderCode) return false;
    if (f.text !== undefined) {
      const needle = f.text.toLowerCase();
      const m = doc.metadata;
      if (!`${m.codeNumber}/${m.codeNotation}`.toLowerCase().includes(needle) && !m.subject.toLowerCase().includes(needle)) return false;
    }
    if (f.from !== undefined && doc.createdAt < f.from) return false;
    if (f.to !== undefined && doc.createdAt > f.to) return false;
    return true;
  });
  // Newest first; insertion order breaks ties between documents created in the same millisecond.
  const order = new Map(st.documents.map((d, i) => [d.id, i]));
  return out.sort((a, b) => (f.urgentFirst ? b.metadata.priority - a.metadata.priority : 0) || (order.get(b.id) ?? 0) - (order.get(a.id) ?? 0));
}

/** As the database store: the next seq, chained to the last entry. */
function appendEntry(st: MemoryState, e: LogEntryInput, at: Date): LogEntry {
  const last = st.log.at(-1);
  // Stored as JSON, like the database's jsonb column: what is hashed is what is read back.
  const details = JSON.parse(JSON.stringify(e.details)) as Record<string, unknown>;
  const body = { seq: (last?.seq ?? 0) + 1, at, event: e.event, actorUserId: e.actorUserId, agencyId: e.agencyId, documentId: e.documentId, details };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row: LogEntry = { ...body, prevHash, hash: chainHash(prevHash, body) };
  st.log.push(row);
  return row;
}

function logMatches(e: LogEntry, f: LogFilter): boolean {
  const d = e.details;
  if (f.agencyId !== undefined && e.agencyId !== f.agencyId) return false;
  if (f.event !== undefined && e.event !== f.event) return false;
  if (f.documentId !== undefined && e.documentId !== f.documentId) return false;
  if (f.documentNumber !== undefined && d['codeNumber'] !== f.documentNumber && d['codeNotation'] !== f.documentNumber) return false;
  if (f.status !== undefined && d['to'] !== f.status) return false;
  if (f.from !== undefined && e.at < f.from) return false;
  if (f.to !== undefined && e.at > f.to) return false;
  return true;
}

// ---------- statistics: the same figures as db/stores/statistics.ts, computed over the arrays ----------

const ACCEPTED: ReadonlySet<string> = new Set(['03', '04', '05', '06']); // as db/stores/statistics.ts: 16 is not accepted yet

interface Facts {
  sent: number;
  signedByBoth: number;
  received: number;
  accepted: number;
  rejected: number;
  seconds: number[];
  classifiedRefusals: number;
}

const noFacts = (): Facts => ({ sent: 0, signedByBoth: 0, received: 0, accepted: 0, rejected: 0, seconds: [], classifiedRefusals: 0 });

/** percentile_cont(0.5): the middle value, or the mean of the two middle ones. */
function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function countsOf(f: Facts): ExchangeCounts {
  const { seconds, ...rest } = f;
  return { ...rest, medianSecondsToAcceptance: median(seconds) };
}

function merge(into: Facts, f: Facts): void {
  into.sent += f.sent;
  into.signedByBoth += f.signedByBoth;
  into.received += f.received;
  into.accepted += f.accepted;
  into.rejected += f.rejected;
  into.seconds.push(...f.seconds);
  into.classifiedRefusals += f.classifiedRefusals;
}

function signedByBoth(st: MemoryState, doc: ExchangeDocument): boolean {
  const own = new Set(st.certificates.filter((c) => c.agencyId === doc.senderAgencyId).map((c) => c.fingerprintSha256.toLowerCase()));
  const bound = new Set(st.certificates.map((c) => c.fingerprintSha256.toLowerCase()));
  const passed = doc.verification.signatures.filter((x) => x.type === 'signature' && x.indication === 'TOTAL_PASSED' && x.signer);
  const fp = (x: (typeof passed)[number]) => x.signer!.fingerprintSha256.toLowerCase();
  return passed.some((seal) => own.has(fp(seal)) && passed.some((x) => x.index < seal.index && !bound.has(fp(x))));
}

function statisticsOf(st: MemoryState, r: StatisticsRange): ExchangeCountsByGroup {
  const inRange = (t: Date) => (!r.from || t >= r.from) && (!r.to || t < r.to);
  const facts = new Map(st.agencies.map((a) => [a.id, noFacts()]));
  const docs = st.documents.filter((d) => inRange(d.createdAt));
  for (const d of docs) {
    const f = facts.get(d.senderAgencyId)!;
    f.sent += 1;
    if (signedByBoth(st, d)) f.signedByBoth += 1;
  }
  const docIds = new Set(docs.map((d) => d.id));
  for (const dl of st.deliveries.filter((x) => docIds.has(x.documentId))) {
    const f = facts.get(dl.recipientAgencyId)!;
    f.received += 1;
    if (ACCEPTED.has(dl.status)) f.accepted += 1;
    if (dl.status === '02') f.rejected += 1;
    const first = (status: string) => st.events.filter((e) => e.deliveryId === dl.id && e.status === status).reduce<Date | undefined>((m, e) => (!m || e.at < m ? e.at : m), undefined);
    const arrived = first('01');
    const accepted = first('03');
    if (arrived && accepted) f.seconds.push((accepted.getTime() - arrived.getTime()) / 1000);
  }
  for (const e of st.log) {
    if (e.event !== 'send.refused' || !('level' in e.details) || !inRange(e.at)) continue;
    const agency = st.agencies.find((a) => a.code === e.details['senderCode']);
    if (agency) facts.get(agency.id)!.classifiedRefusals += 1;
  }
  const total = noFacts();
  const levels = new Map<AgencyLevel, Facts>();
  for (const a of st.agencies) {
    const f = facts.get(a.id)!;
    merge(total, f);
    if (!levels.has(a.level)) levels.set(a.level, noFacts());
    merge(levels.get(a.level)!, f);
  }
  return {
    agencies: [...st.agencies].sort((a, b) => a.code.localeCompare(b.code)).map((a) => ({ agency: { id: a.id, code: a.code, name: a.name, level: a.level }, ...countsOf(facts.get(a.id)!) })),
    levels: [...levels].map(([level, f]) => ({ level, ...countsOf(f) })),
    total: countsOf(total),
  };
}
