// Hopping-window state keyed once per record: each key holds a small ring of the states of its open windows.

package rt

import (
	"math"
	"slices"
	"unsafe"
)

// Hops holds the state of a hopping-window aggregate (windows of size milliseconds starting every advance) as
// Windows does, but organised by key: a record looks its key up once (Key) and then reaches the state of each of
// its windows by the window's number in a ring of the key's states (At), where Windows would look the key up in
// every window. A window lists its keys in the order they joined it, so that it is emitted in the same order as
// Windows emits it.
//
// Hops does not spill nor keep closed windows for late updates (Retain): generated code uses Windows for those.
// The zero Hops is not usable; create one with NewHops.
type Hops[K comparable, S any] struct {
	size, adv int64

	index map[K]int32
	keys  []K
	ring  int            // slots per key, a power of two of at least the windows that can be open at once
	slots []hopSlot[S]   // key i's ring is slots[i*ring : (i+1)*ring]; a window's slot is its number mod ring
	cache []int32        // index+1 of the key last seen in each slot of the cache of recent keys; 0: empty
	hash  func(K) uint64 // see HashKeys; nil: no cache
	own   func(*K)       // see OwnKeys

	open   map[int64]*hopWindow
	starts []int64 // open window starts, ascending

	// done is the watermark windows have been closed up to: a window ending at or before it was emitted, and a
	// slot holding it may be reused.
	done int64
	live int // keys after the last compaction

	lastStart int64
	lastWin   *hopWindow

	cur   *Cursor
	label stateLabel
}

type hopSlot[S any] struct {
	start int64 // the window the state belongs to, when used
	used  bool
	state S
}

// hopWindow is an open window: its keys, in the order they joined it, and where its records came from.
type hopWindow struct {
	keys  []int32
	first firstOffsets
}

// NewHops returns an empty Hops for windows of size milliseconds, one starting every advance milliseconds
// (0 < advance <= size).
func NewHops[K comparable, S any](size, advance int64) *Hops[K, S] {
	if size <= 0 || advance <= 0 || advance > size {
		panic("rt: hopping window size and advance must be positive, advance at most size")
	}
	n := (size + advance - 1) / advance // windows covering one instant
	ring := 1
	for int64(ring) < n+2 {
		ring *= 2
	}
	return &Hops[K, S]{size: size, adv: advance, index: make(map[K]int32), ring: ring,
		open: make(map[int64]*hopWindow), done: math.MinInt64}
}

// HashKeys sets a cheap hash of keys for a cache of recent keys in front of the map; see Groups.HashKeys.
func (h *Hops[K, S]) HashKeys(hash func(K) uint64) { h.hash = hash }

// OwnKeys sets the function that copies the strings of a new key before it is stored; see Groups.OwnKeys.
func (h *Hops[K, S]) OwnKeys(own func(*K)) { h.own = own }

// Label names the query the Hops belongs to; see Groups.Label.
func (h *Hops[K, S]) Label(query, at string) { h.label = stateLabel{query, at} }

// Key returns the index of key k for At, adding the key if it is new.
func (h *Hops[K, S]) Key(k K) int32 {
	var slot *int32
	if h.hash != nil && len(h.keys) < maxCachedGroups {
		if h.cache == nil {
			h.cache = make([]int32, groupCacheSize)
		}
		slot = &h.cache[h.hash(k)&(groupCacheSize-1)]
		if i := *slot - 1; i >= 0 && h.keys[i] == k {
			return i
		}
	}
	i, ok := h.index[k]
	if !ok {
		if len(h.keys) == maxGroups {
			panic("rt: more than 2^31-1 keys")
		}
		if h.own != nil {
			own := k
			h.own(&own)
			k = own
		}
		i = int32(len(h.keys))
		h.index[k] = i
		h.keys = append(h.keys, k)
		h.slots = slices.Grow(h.slots, h.ring)[:len(h.slots)+h.ring]
	}
	if slot != nil {
		*slot = i + 1
	}
	return i
}

// pos returns the position in slots of key i's state for the window starting at start.
func (h *Hops[K, S]) pos(i int32, start int64) int {
	n := start / h.adv
	if start%h.adv < 0 {
		n--
	}
	return int(i)*h.ring + int(n&int64(h.ring-1))
}

// closed reports whether the window starting at start has been emitted.
func (h *Hops[K, S]) closed(start int64) bool {
	return h.end(start) <= h.done
}

// end returns start+size, saturating instead of wrapping near MaxInt64.
func (h *Hops[K, S]) end(start int64) int64 {
	if start > math.MaxInt64-h.size {
		return math.MaxInt64
	}
	return start + h.size
}

// At returns the state of key i (from Key) in the window starting at start, creating it as needed. The window
// must not have closed. The pointer stays valid until the next call of Key or At.
func (h *Hops[K, S]) At(i int32, start int64) *S {
	s := &h.slots[h.pos(i, start)]
	if s.used && s.start == start {
		if h.cur != nil {
			h.window(start).first.note(h.cur)
		}
		return &s.state
	}
	for s.used && !h.closed(s.start) {
		// Another open window of the key has the slot: more windows are open than the ring holds. Growing gives
		// each open window a slot of its own, but the new window's slot may still be one of theirs.
		h.grow()
		s = &h.slots[h.pos(i, start)]
	}
	var zero S
	s.start, s.used, s.state = start, true, zero
	w := h.window(start)
	w.keys = append(w.keys, i)
	if h.cur != nil {
		w.first.note(h.cur)
	}
	return &s.state
}

// window returns the open window starting at start, opening it if needed.
func (h *Hops[K, S]) window(start int64) *hopWindow {
	if h.lastWin != nil && h.lastStart == start {
		return h.lastWin
	}
	w := h.open[start]
	if w == nil {
		w = &hopWindow{}
		h.open[start] = w
		j, _ := slices.BinarySearch(h.starts, start)
		h.starts = slices.Insert(h.starts, j, start)
	}
	h.lastStart, h.lastWin = start, w
	return w
}

// grow doubles the ring until every key's open windows have slots of their own.
func (h *Hops[K, S]) grow() {
	for ring := h.ring * 2; ; ring *= 2 {
		next := make([]hopSlot[S], len(h.keys)*ring)
		ok := true
		for i := range h.keys {
			for _, s := range h.slots[i*h.ring : (i+1)*h.ring] {
				if !s.used || h.closed(s.start) {
					continue
				}
				n := s.start / h.adv
				if s.start%h.adv < 0 {
					n--
				}
				d := &next[i*ring+int(n&int64(ring-1))]
				if d.used {
					ok = false
					break
				}
				*d = s
			}
			if !ok {
				break
			}
		}
		if ok {
			h.slots, h.ring = next, ring
			return
		}
	}
}

// CloseUpTo closes and removes every window whose end is at or before the watermark wm, calling fn for each of
// its groups: windows in ascending start order, groups in the order they joined the window. It stops at the
// first error from fn; the window being emitted is removed all the same.
func (h *Hops[K, S]) CloseUpTo(wm int64, fn func(start int64, k *K, s *S) error) error {
	if wm > h.done {
		h.done = wm
	}
	closed := false
	for len(h.starts) > 0 && h.end(h.starts[0]) <= wm {
		closed = true
		if err := h.closeFirst(fn); err != nil {
			return err
		}
	}
	if closed && len(h.keys) >= 2*h.live+1024 {
		h.compact()
	}
	return nil
}

// CloseAll closes and removes every open window, as CloseUpTo does with an infinite watermark: at the end of a
// bounded input.
func (h *Hops[K, S]) CloseAll(fn func(start int64, k *K, s *S) error) error {
	h.done = math.MaxInt64
	for len(h.starts) > 0 {
		if err := h.closeFirst(fn); err != nil {
			return err
		}
	}
	return nil
}

// Open returns the number of open windows.
func (h *Hops[K, S]) Open() int { return len(h.starts) }

func (h *Hops[K, S]) closeFirst(fn func(start int64, k *K, s *S) error) error {
	start := h.starts[0]
	w := h.open[start]
	h.starts = h.starts[1:]
	delete(h.open, start)
	if h.lastWin == w {
		h.lastWin = nil
	}
	for _, i := range w.keys {
		if err := fn(start, &h.keys[i], &h.slots[h.pos(i, start)].state); err != nil {
			return err
		}
	}
	return nil
}

// compact drops the keys that are in no open window, so that keys seen once do not stay for ever.
func (h *Hops[K, S]) compact() {
	remap := make([]int32, len(h.keys))
	n := 0
	for i := range h.keys {
		remap[i] = -1
		ring := h.slots[i*h.ring : (i+1)*h.ring]
		keep := false
		for _, s := range ring {
			if s.used && !h.closed(s.start) {
				keep = true
				break
			}
		}
		if !keep {
			delete(h.index, h.keys[i])
			continue
		}
		remap[i] = int32(n)
		if n != i {
			h.keys[n] = h.keys[i]
			h.index[h.keys[n]] = int32(n)
			copy(h.slots[n*h.ring:(n+1)*h.ring], ring)
		}
		n++
	}
	var zk K
	for i := n; i < len(h.keys); i++ {
		h.keys[i] = zk // release the strings
	}
	h.keys = h.keys[:n]
	clear(h.slots[n*h.ring:])
	h.slots = h.slots[:n*h.ring]
	for _, w := range h.open {
		for j, i := range w.keys {
			w.keys[j] = remap[i]
		}
	}
	clear(h.cache)
	h.live = n
}

// bind, held, reset, checkpoint and restore make Hops a Stateful, as Windows is.
func (h *Hops[K, S]) bind(c *Cursor, _ partitions) { h.cur = c }
func (h *Hops[K, S]) checkpoint(int32) string      { return "" }
func (h *Hops[K, S]) restore(int32, string)        {}
func (h *Hops[K, S]) held(p int32) (int64, bool) {
	var low int64
	found := false
	for _, w := range h.open {
		if o, ok := w.first.get(p); ok && (!found || o < low) {
			low, found = o, true
		}
	}
	return low, found
}
func (h *Hops[K, S]) reset() {
	clear(h.open)
	clear(h.index)
	clear(h.cache)
	h.starts = h.starts[:0]
	clear(h.keys)
	h.keys = h.keys[:0]
	clear(h.slots)
	h.slots = h.slots[:0]
	h.done = math.MinInt64
	h.live = 0
	h.lastWin = nil
}

// The memory watcher measures a Hops but cannot spill it.
func (h *Hops[K, S]) memLabel() stateLabel { return h.label }
func (h *Hops[K, S]) memSize() (groups, inMemory, windows int, perGroup int64) {
	for _, w := range h.open {
		groups += len(w.keys)
	}
	var s hopSlot[S]
	var k K
	// The keys, their map and their rings, shared by the groups of the open windows.
	total := int64(len(h.keys))*(int64(unsafe.Sizeof(k))+4)*3/2 + int64(len(h.slots))*int64(unsafe.Sizeof(s)) + int64(groups)*4
	if groups > 0 {
		perGroup = total / int64(groups)
	}
	return groups, groups, len(h.open), perGroup
}
func (h *Hops[K, S]) spillWeight() int64           { return 0 }
func (h *Hops[K, S]) spill(*spillEnv) (int, error) { return 0, nil }
func (h *Hops[K, S]) spillErr() error              { return nil }
