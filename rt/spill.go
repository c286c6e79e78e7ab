// Spilling: the groups of a query beyond the memory budget, kept in a disk-backed store ('state.overflow' =
// 'spill') and brought back when a record needs them.

package rt

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// SpillStore is the disk-backed store spilled groups live in: an ordered map of byte strings. rt/spill implements
// it with cockroachdb/pebble and registers it with RegisterSpillStore; a generated job imports rt/spill when its
// script sets 'state.overflow' = 'spill', so that other jobs do not link the store. It must be safe for concurrent
// use: the sources of a job share it.
type SpillStore interface {
	// Get returns the value of key appended to buf[:0], and whether key exists.
	Get(key, buf []byte) ([]byte, bool, error)
	// NewBatch returns an empty batch of writes.
	NewBatch() SpillBatch
	// Scan calls fn for every key in [lo, hi), in ascending byte order; the slices are valid during the call.
	Scan(lo, hi []byte, fn func(key, value []byte) error) error
	// DeleteRange removes every key in [lo, hi).
	DeleteRange(lo, hi []byte) error
	// Close releases the store; its directory is removed by the caller.
	Close() error
}

// SpillBatch is a set of writes that Commit applies at once, in the order they were made. Set and Delete copy
// their arguments.
type SpillBatch interface {
	Set(key, value []byte)
	Delete(key []byte)
	// Size returns the bytes the batch holds.
	Size() int
	// Commit applies the batch and releases it.
	Commit() error
}

var (
	spillMu   sync.Mutex
	spillOpen func(dir string, memory int64) (SpillStore, error)
)

// RegisterSpillStore makes open the store of spilled state: it opens an empty store in the directory dir, which
// may use memory bytes outside the Go heap for its buffers and cache. rt/spill calls it from its init function. It
// panics if a store is registered already.
func RegisterSpillStore(open func(dir string, memory int64) (SpillStore, error)) {
	spillMu.Lock()
	defer spillMu.Unlock()
	if spillOpen != nil {
		panic("rt: spill store registered twice")
	}
	spillOpen = open
}

// registeredSpillStore returns the registered store's open function, or nil.
func registeredSpillStore() func(dir string, memory int64) (SpillStore, error) {
	spillMu.Lock()
	defer spillMu.Unlock()
	return spillOpen
}

// spillEnv is the store a job's spilled state lives in, shared by its sources. The store and its directory are
// created at the first eviction, so a job that never spills writes nothing.
type spillEnv struct {
	open   func(dir string, memory int64) (SpillStore, error)
	parent string // --state-dir; "" for the system's temporary directory
	memory int64  // what the store may use outside the Go heap

	mu    sync.Mutex
	dir   string // the store's directory, once created; removed by close
	store SpillStore
	ids   uint32 // namespaces handed out, one per spilling state

	groups  atomic.Int64 // groups written to the store
	bytes   atomic.Int64 // bytes of the records written
	loads   atomic.Int64 // groups brought back into memory
	evicted atomic.Int64 // evictions
}

// namespace opens the store if needed and returns it with a namespace of its own for one state.
func (e *spillEnv) namespace() (SpillStore, uint32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.store == nil {
		dir, err := os.MkdirTemp(e.parent, "velocc-state-")
		if err != nil {
			return nil, 0, fmt.Errorf("creating the spill directory: %v", err)
		}
		st, err := e.open(dir, e.memory)
		if err != nil {
			os.RemoveAll(dir)
			return nil, 0, fmt.Errorf("opening the spill store in %s: %v", dir, err)
		}
		e.dir, e.store = dir, st
	}
	e.ids++
	return e.store, e.ids, nil
}

// close closes the store and removes its directory.
func (e *spillEnv) close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.store == nil {
		return nil
	}
	err := e.store.Close()
	if rerr := os.RemoveAll(e.dir); rerr != nil && err == nil {
		err = rerr
	}
	e.store = nil
	if err != nil {
		return fmt.Errorf("closing the spill store in %s: %v", e.dir, err)
	}
	return nil
}

// Records of the store. A state's namespace (nsLen bytes: its id, then the window start for a window's groups)
// prefixes the records of each spilled group:
//
//	ns 'k' <key>        → uvarint(seq) <state>               a group by its key: a read brings it back
//	ns 's' <seq: 8, BE> → uvarint(len(key)) <key> <state>    the group in first-seen order, for Each
//
// where <key> and <state> are the Codec's forms and seq the group's first-seen sequence number in its Groups, so
// that Each can merge the 's' records, which a scan returns in sequence order, with the groups in memory. The
// state is written twice so that neither bringing a group back nor Each needs a second, random, read. A state whose groups Each need not
// visit in order (see Groups.Spill) has only the first record, and Each reads those in key order.
const (
	nsLen      = 12
	tagKey     = 'k'
	tagState   = 's'
	batchLimit = 512 << 10 // bytes a batch collects before it is committed (below half a memtable of rt/spill)
	// minSpillLimit is the fewest groups a spilling state keeps in memory before it evicts.
	minSpillLimit = 256
)

// stateSpill is the spilling part of one query's state (a Groups, or a Windows and the Groups of its windows),
// created at its first eviction. Only the goroutine of the query's source uses it.
type stateSpill[K comparable, S any] struct {
	codec   *Codec[K, S]
	ordered bool // Each visits the groups in first-seen order: the store keeps the 's' records
	env     *spillEnv
	store   SpillStore
	id      uint32

	mem   int          // groups held in memory, over the state's Groups
	limit int          // the most groups held in memory before half of them are evicted; 0 = no limit
	evict func() error // evicts the older half of the groups held in memory
	err   error        // the first store error: the job stops with it at the next memory check, Tick or Each

	filter  keyFilter  // the keys written to the store, so that most lookups of new groups need no read
	pending SpillBatch // deletes of groups brought back, and the writes of an eviction
	kbuf    []byte     // scratch for record keys and values
	sbuf    []byte
	vbuf    []byte
	dec     BinDecoder
}

// groupSpill is the spilling part of one Groups.
type groupSpill[K comparable, S any] struct {
	sh     *stateSpill[K, S]
	ns     [nsLen]byte
	seq    []uint64 // first-seen sequence number of each entry, in step with Groups.entries
	next   uint64   // the sequence number of the next new group
	stored int      // groups in the store
}

// newStateSpill opens the store if needed and starts spilling with codec.
func newStateSpill[K comparable, S any](env *spillEnv, codec *Codec[K, S], ordered bool) (*stateSpill[K, S], error) {
	st, id, err := env.namespace()
	if err != nil {
		return nil, err
	}
	return &stateSpill[K, S]{codec: codec, ordered: ordered, env: env, store: st, id: id}, nil
}

// namespace returns the prefix of the records of the groups of window start (0 for a Groups without windows).
func (sh *stateSpill[K, S]) namespace(start int64) (ns [nsLen]byte) {
	binary.BigEndian.PutUint32(ns[:4], sh.id)
	binary.BigEndian.PutUint64(ns[4:], uint64(start)^1<<63) // sign flipped: windows sort by start
	return ns
}

// fail records the first store error.
func (sh *stateSpill[K, S]) fail(err error) {
	if sh.err == nil {
		sh.err = fmt.Errorf("spill store: %v", err)
	}
}

// batch returns the pending batch, starting one if needed.
func (sh *stateSpill[K, S]) batch() SpillBatch {
	if sh.pending == nil {
		sh.pending = sh.store.NewBatch()
	}
	return sh.pending
}

// commit applies the pending batch.
func (sh *stateSpill[K, S]) commit() error {
	if sh.pending == nil {
		return nil
	}
	b := sh.pending
	sh.pending = nil
	if err := b.Commit(); err != nil {
		sh.fail(err)
		return sh.err
	}
	return nil
}

// put adds the records of one group to the pending batch.
func (sh *stateSpill[K, S]) put(ns *[nsLen]byte, seq uint64, k *K, s *S) error {
	kb := sh.keyRecord(ns, k)
	sh.filter.add(kb)
	b := sh.batch()
	v := binary.AppendUvarint(sh.vbuf[:0], seq)
	n := len(v)
	v = sh.codec.AppendState(s, v)
	b.Set(kb, v)
	sh.env.bytes.Add(int64(len(kb) + len(v)))
	if sh.ordered {
		key, state := kb[nsLen+1:], v[n:]
		sv := binary.AppendUvarint(v[len(v):], uint64(len(key))) // after the first value, in the same buffer
		sv = append(append(sv, key...), state...)
		sk := sh.stateRecord(ns, seq)
		b.Set(sk, sv)
		sh.env.bytes.Add(int64(len(sk) + len(sv)))
	}
	sh.vbuf = v[:0]
	if b.Size() >= batchLimit {
		return sh.commit()
	}
	return nil
}

// keyRecord returns the key of the record that finds k, in a buffer reused by the next call.
func (sh *stateSpill[K, S]) keyRecord(ns *[nsLen]byte, k *K) []byte {
	kb := append(append(sh.kbuf[:0], ns[:]...), tagKey)
	kb = sh.codec.AppendKey(k, kb)
	sh.kbuf = kb[:0]
	return kb
}

// stateRecord returns the key of the record of the group with sequence number seq, in a buffer reused by the
// next call.
func (sh *stateSpill[K, S]) stateRecord(ns *[nsLen]byte, seq uint64) []byte {
	sk := binary.BigEndian.AppendUint64(append(append(sh.sbuf[:0], ns[:]...), tagState), seq)
	sh.sbuf = sk[:0]
	return sk
}

// load looks k up in the store; if it is there, it decodes its state into s, schedules the deletion of its
// records (it lives in memory from now on) and returns its sequence number.
func (sh *stateSpill[K, S]) load(ns *[nsLen]byte, k *K, s *S) (seq uint64, found bool) {
	kb := sh.keyRecord(ns, k)
	if !sh.filter.mayHave(kb) {
		return 0, false
	}
	v, ok, err := sh.store.Get(kb, sh.vbuf)
	sh.vbuf = v[:0]
	if err != nil {
		sh.fail(err)
		return 0, false
	}
	if !ok {
		return 0, false
	}
	seq, n := binary.Uvarint(v)
	if n <= 0 {
		sh.fail(errShortState)
		return 0, false
	}
	sh.dec.Reset(v[n:])
	sh.codec.DecodeState(s, &sh.dec)
	if sh.dec.Err() != nil || len(sh.dec.Rest()) > 0 {
		sh.fail(errShortState)
		return 0, false
	}
	b := sh.batch()
	b.Delete(kb)
	if sh.ordered {
		b.Delete(sh.stateRecord(ns, seq))
	}
	sh.env.loads.Add(1)
	return seq, true
}

// dropRange deletes every record under the first n bytes of ns.
func (sh *stateSpill[K, S]) dropRange(ns *[nsLen]byte, n int) {
	if sh.commit() != nil {
		return
	}
	lo := append([]byte(nil), ns[:n]...)
	hi := append([]byte(nil), lo...)
	for i := len(hi) - 1; i >= 0; i-- { // the next prefix: the namespace plus one
		hi[i]++
		if hi[i] != 0 {
			break
		}
	}
	if err := sh.store.DeleteRange(lo, hi); err != nil {
		sh.fail(err)
	}
}

// lower sets the limit of groups held in memory below the mem groups held now, when the watcher finds the heap
// over its budget.
func (sh *stateSpill[K, S]) lower(mem int) {
	if sh.limit > 0 {
		mem = min(mem, sh.limit)
	}
	sh.limit = max(mem/2, minSpillLimit)
}

// Spill gives the Groups the binary form of its keys and states, with which the memory watcher may move groups
// to disk when the job's memory runs short ('state.overflow' = 'spill'). Until it does, nothing changes. ordered
// says whether Each must visit the groups in first-seen order (EMIT FINAL); otherwise (EMIT CHANGES, which never
// lists its groups) the store keeps less, and Each visits spilled groups in the order of their keys' bytes.
func (g *Groups[K, S]) Spill(c *Codec[K, S], ordered bool) { g.codec, g.ordered = c, ordered }

// attachSpill makes the Groups spill into sh under the namespace of window start. Its groups keep their order:
// the sequence number of an entry is its position.
func (g *Groups[K, S]) attachSpill(sh *stateSpill[K, S], start int64) {
	sp := &groupSpill[K, S]{sh: sh, ns: sh.namespace(start), seq: make([]uint64, len(g.entries)), next: uint64(len(g.entries))}
	for i := range sp.seq {
		sp.seq[i] = uint64(i)
	}
	g.sp = sp
	sh.mem += len(g.entries)
}

// getSpilled is Get for a key not in memory while the Groups spills: the group is brought back from the store,
// or created. When the state holds its limit of groups in memory, the older half go to the store first.
func (g *Groups[K, S]) getSpilled(k K, slot *int32) (*S, bool) {
	sp := g.sp
	sh := sp.sh
	if sh.limit > 0 && sh.mem >= sh.limit && sh.err == nil {
		if err := sh.evict(); err != nil {
			sh.fail(err)
		}
		slot = nil // the eviction moved the entries and cleared the cache
	}
	var s S
	seq, found := uint64(0), false
	if sp.stored > 0 && sh.err == nil {
		seq, found = sh.load(&sp.ns, &k, &s)
	}
	if found {
		sp.stored--
	} else {
		seq = sp.next
		sp.next++
	}
	if len(g.entries) == maxGroups {
		panic("rt: more than 2^31-1 groups")
	}
	if g.own != nil {
		own := k
		g.own(&own)
		k = own
	}
	g.index[k] = int32(len(g.entries))
	g.entries = append(g.entries, groupEntry[K, S]{key: k, state: s})
	sp.seq = append(sp.seq, seq)
	sh.mem++
	if slot != nil {
		*slot = int32(len(g.entries))
	}
	return &g.entries[len(g.entries)-1].state, !found
}

// evictFront moves the first n entries, those held in memory the longest, to the store. Entries brought back
// or created go to the end, so a group in use is soon back in memory and stays there without bookkeeping on the
// way of a record: a hit in memory costs nothing more than without spilling.
func (g *Groups[K, S]) evictFront(n int) error {
	sp := g.sp
	sh := sp.sh
	if n <= 0 {
		return nil
	}
	for i := 0; i < n; i++ {
		e := &g.entries[i]
		if err := sh.put(&sp.ns, sp.seq[i], &e.key, &e.state); err != nil {
			return err
		}
	}
	if err := sh.commit(); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		delete(g.index, g.entries[i].key)
	}
	m := copy(g.entries, g.entries[n:])
	clear(g.entries[m:]) // the evicted states' strings and sets are garbage now
	g.entries = g.entries[:m]
	copy(sp.seq, sp.seq[n:])
	sp.seq = sp.seq[:m]
	for i := range g.entries {
		g.index[g.entries[i].key] = int32(i)
	}
	clear(g.cache)
	sp.stored += n
	sh.mem -= n
	sh.env.groups.Add(int64(n))
	return nil
}

// flushAll moves every entry to the store and drops the map and the slice, whose memory the collector can then
// reclaim: deleting entries in place would keep both at their largest size, and the live heap would not show the
// eviction.
func (g *Groups[K, S]) flushAll() error {
	n := len(g.entries)
	if n == 0 {
		return nil
	}
	sp := g.sp
	sh := sp.sh
	for i := range g.entries {
		e := &g.entries[i]
		if err := sh.put(&sp.ns, sp.seq[i], &e.key, &e.state); err != nil {
			return err
		}
	}
	if err := sh.commit(); err != nil {
		return err
	}
	g.index = make(map[K]int32)
	g.entries = nil
	sp.seq = nil
	clear(g.cache)
	sp.stored += n
	sh.mem -= n
	sh.env.groups.Add(int64(n))
	return nil
}

// eachSpilled is Each for a Groups that spills: the groups in memory, in first-seen order, merged with those in
// the store, read in first-seen order; or, for a state that is not ordered, the groups in memory, then those in
// the store in the order of their keys.
func (g *Groups[K, S]) eachSpilled(fn func(k *K, s *S) error) error {
	sp := g.sp
	sh := sp.sh
	if sh.err != nil {
		return sh.err
	}
	order := make([]int32, len(g.entries))
	for i := range order {
		order[i] = int32(i)
	}
	bySeq := func(a, b int32) int { return cmp.Compare(sp.seq[a], sp.seq[b]) }
	if !slices.IsSortedFunc(order, bySeq) {
		slices.SortFunc(order, bySeq)
	}
	i := 0
	memUpTo := func(seq uint64) error {
		for ; i < len(order) && sp.seq[order[i]] < seq; i++ {
			e := &g.entries[order[i]]
			if err := fn(&e.key, &e.state); err != nil {
				return err
			}
		}
		return nil
	}
	if sp.stored > 0 {
		if err := sh.commit(); err != nil {
			return err
		}
		tag := byte(tagState)
		if !sh.ordered {
			tag = tagKey
			if err := memUpTo(^uint64(0)); err != nil {
				return err
			}
		}
		lo := append(sp.ns[:], tag)
		hi := append(sp.ns[:], tag+1)
		var d, kd BinDecoder
		err := sh.store.Scan(lo, hi, func(key, v []byte) error {
			var k K
			var s S
			d.Reset(v)
			if sh.ordered {
				if len(key) != nsLen+9 {
					return errShortState
				}
				if err := memUpTo(binary.BigEndian.Uint64(key[nsLen+1:])); err != nil {
					return err
				}
				kd.Reset(d.bytes())
			} else {
				d.uvarint() // the sequence number: not needed
				kd.Reset(key[nsLen+1:])
			}
			sh.codec.DecodeKey(&k, &kd)
			sh.codec.DecodeState(&s, &d)
			if d.Err() != nil || len(d.Rest()) > 0 || kd.Err() != nil || len(kd.Rest()) > 0 {
				return errShortState
			}
			return fn(&k, &s)
		})
		if err != nil {
			if errors.Is(err, errShortState) {
				sh.fail(err)
				return sh.err
			}
			return err
		}
	}
	return memUpTo(^uint64(0))
}

// resetSpill forgets the groups of a Groups in the store.
func (g *Groups[K, S]) resetSpill() {
	sp := g.sp
	sp.seq, sp.next = sp.seq[:0], 0
	if sp.stored > 0 {
		sp.sh.dropRange(&sp.ns, nsLen)
	}
	sp.stored = 0
}

// spill starts the spilling of the Groups if needed, moves every group held in memory to the store and lowers the
// number kept in memory from now on. It returns the groups moved: none when too few are held to matter.
func (g *Groups[K, S]) spill(env *spillEnv) (int, error) {
	if g.codec == nil || len(g.entries) == 0 {
		return 0, nil
	}
	if g.sp == nil {
		sh, err := newStateSpill(env, g.codec, g.ordered)
		if err != nil {
			return 0, err
		}
		sh.evict = func() error { return g.evictFront((len(g.entries) + 1) / 2) }
		g.attachSpill(sh, 0)
	}
	sh := g.sp.sh
	if sh.err != nil {
		return 0, sh.err
	}
	n := len(g.entries)
	sh.lower(sh.mem)
	if err := g.flushAll(); err != nil {
		sh.fail(err)
		return 0, sh.err
	}
	env.evicted.Add(1)
	return n, nil
}

// spillWeight estimates the memory of the groups held in memory: their count times the fixed size of a group
// and the length of the binary form of a few of them, which grows with their strings and sets.
func (g *Groups[K, S]) spillWeight() int64 {
	n := len(g.entries)
	if g.codec == nil || n == 0 {
		return 0
	}
	var buf []byte
	var sum, k int
	for i := 0; i < n; i += max(n/16, 1) {
		e := &g.entries[i]
		buf = g.codec.AppendState(&e.state, g.codec.AppendKey(&e.key, buf[:0]))
		sum += len(buf)
		k++
	}
	return int64(n) * (groupBytes[K, S]() + int64(sum/k))
}

// spillErr returns the first error of the store, if the Groups spills.
func (g *Groups[K, S]) spillErr() error {
	if g.sp == nil {
		return nil
	}
	return g.sp.sh.err
}

// Spill gives the Windows the binary form of its keys and states; see Groups.Spill.
func (w *Windows[K, S]) Spill(c *Codec[K, S], ordered bool) { w.codec, w.ordered = c, ordered }

// spill is Groups.spill for every open window: their groups share one limit.
func (w *Windows[K, S]) spill(env *spillEnv) (int, error) {
	if w.codec == nil {
		return 0, nil
	}
	mem := 0
	for _, g := range w.open {
		mem += len(g.entries)
	}
	if mem == 0 {
		return 0, nil
	}
	if w.sp == nil {
		sh, err := newStateSpill(env, w.codec, w.ordered)
		if err != nil {
			return 0, err
		}
		sh.evict = w.evictHalf
		for _, start := range w.starts {
			w.open[start].attachSpill(sh, start)
		}
		w.sp = sh
	}
	sh := w.sp
	if sh.err != nil {
		return 0, sh.err
	}
	sh.lower(sh.mem)
	for _, start := range w.starts {
		if err := w.open[start].flushAll(); err != nil {
			sh.fail(err)
			return 0, sh.err
		}
	}
	env.evicted.Add(1)
	return mem, nil
}

// spillWeight is Groups.spillWeight over the open windows.
func (w *Windows[K, S]) spillWeight() int64 {
	var sum int64
	for _, g := range w.open {
		sum += g.spillWeight()
	}
	return sum
}

// evictHalf evicts the older half of the groups each open window holds in memory.
func (w *Windows[K, S]) evictHalf() error {
	for _, start := range w.starts {
		g := w.open[start]
		if err := g.evictFront((len(g.entries) + 1) / 2); err != nil {
			return err
		}
	}
	return nil
}

// spillErr returns the first error of the store, if the Windows spills.
func (w *Windows[K, S]) spillErr() error {
	if w.sp == nil {
		return nil
	}
	return w.sp.err
}

// keyFilter is a bloom filter of the keys of the records written to the store: a lookup of a key it has never
// seen, as for every new group, then costs no read of the store. It grows as a series of filters, each four times
// the size of the one before, so that it needs no rebuilding; a key's records deleted from the store stay in it,
// which costs a lookup that finds nothing now and then. About 1.7 bytes per key written.
type keyFilter struct {
	seed  maphash.Seed
	parts []bloomPart
}

// bloomPart is one filter of a keyFilter: 10 bits per key of its capacity and 7 probes, about 1% false positives
// when full.
type bloomPart struct {
	bits     []uint64
	mask     uint64 // bit count - 1
	n, limit int
}

const (
	bloomFirst  = 1 << 16 // keys of the first filter
	bloomProbes = 7
)

func (f *keyFilter) add(key []byte) {
	if len(f.parts) == 0 {
		f.seed = maphash.MakeSeed()
	}
	if len(f.parts) == 0 || f.parts[len(f.parts)-1].n >= f.parts[len(f.parts)-1].limit {
		limit := bloomFirst << (2 * len(f.parts))
		nbits := uint64(1) << bits.Len64(uint64(limit)*10-1) // a power of two, at least 10 bits per key
		f.parts = append(f.parts, bloomPart{bits: make([]uint64, nbits/64), mask: nbits - 1, limit: limit})
	}
	p := &f.parts[len(f.parts)-1]
	h := maphash.Bytes(f.seed, key)
	h1, h2 := h, h>>32|1
	for i := uint64(0); i < bloomProbes; i++ {
		b := (h1 + i*h2) & p.mask
		p.bits[b/64] |= 1 << (b % 64)
	}
	p.n++
}

// mayHave reports whether key may have been added; false means it never was.
func (f *keyFilter) mayHave(key []byte) bool {
	if len(f.parts) == 0 {
		return false
	}
	h := maphash.Bytes(f.seed, key)
	h1, h2 := h, h>>32|1
	for i := range f.parts {
		p := &f.parts[i]
		hit := true
		for j := uint64(0); j < bloomProbes && hit; j++ {
			b := (h1 + j*h2) & p.mask
			hit = p.bits[b/64]&(1<<(b%64)) != 0
		}
		if hit {
			return true
		}
	}
	return false
}

// reset forgets every key.
func (f *keyFilter) reset() { f.parts = nil }
