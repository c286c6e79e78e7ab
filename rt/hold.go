// Hold: the records a join holds back while its table lacks their key ('<table>.join.missing' = 'retry').

package rt

import "time"

// Hold keeps records whose key a table does not have yet, per key in arrival order, until the key appears or
// they have waited the timeout. A record whose key has records held is held behind them, so that the records of
// one key leave in the order they came. Only the goroutine of the query's stream uses it.
type Hold[K comparable, R any] struct {
	timeout time.Duration
	own     func(*R) // makes a held record's strings its own: decoded strings view the read buffer
	ownKey  func(*K) // and a new key's
	now     func() time.Time

	keys []K // in the order their first record was held; a key released is removed
	// held maps a key to its records. The lists are pointers, so that adding to a key's list never assigns the
	// map's entry: that would store the new (unowned) key string in place of the owned one.
	held  map[K]*[]held[R]
	count int
	seen  uint64 // the table's Changes when the keys were last looked up
}

type held[R any] struct {
	r  R
	at time.Time
}

// NewHold returns an empty Hold whose records wait at most timeoutMs milliseconds. own and ownKey make the
// strings of a held record and of a new key their own (nil: they have none).
func NewHold[K comparable, R any](timeoutMs int64, own func(*R), ownKey func(*K)) *Hold[K, R] {
	return &Hold[K, R]{timeout: time.Duration(timeoutMs) * time.Millisecond, own: own, ownKey: ownKey, now: time.Now, held: map[K]*[]held[R]{}}
}

// Len returns the number of records held.
func (h *Hold[K, R]) Len() int { return h.count }

// Held reports whether records of key k are held: a new record of k must wait behind them.
func (h *Hold[K, R]) Held(k K) bool {
	_, ok := h.held[k]
	return ok
}

// Add holds a copy of r under key k.
func (h *Hold[K, R]) Add(k K, r *R) {
	c := held[R]{r: *r, at: h.now()}
	if h.own != nil {
		h.own(&c.r)
	}
	l := h.held[k]
	if l == nil {
		if h.ownKey != nil {
			h.ownKey(&k)
		}
		h.keys = append(h.keys, k)
		l = new([]held[R])
		h.held[k] = l
	}
	*l = append(*l, c)
	h.count++
}

// Release lets held records go: every record of a key the table now has (ready), and the records that have
// waited the timeout (expired), in the order their keys were first held and, per key, in arrival order (a key's
// records that have not waited long enough stay, behind none). It looks the keys up only when the table changed
// (changes, the table's Changes) or a record's time is up. fn gets each record and whether it expired; the record
// is the Hold's until fn returns.
func (h *Hold[K, R]) Release(changes uint64, ready func(K) bool, fn func(r *R, expired bool) error) error {
	if h.count == 0 {
		return nil
	}
	now := h.now()
	if changes == h.seen && now.Sub(h.oldest()) < h.timeout {
		return nil
	}
	h.seen = changes
	kept := h.keys[:0]
	var err error
	for i, k := range h.keys {
		if err != nil {
			kept = append(kept, h.keys[i:]...)
			break
		}
		l := h.held[k]
		rs := *l
		n := len(rs) // the records to let go
		if !ready(k) {
			n = 0
			for n < len(rs) && now.Sub(rs[n].at) >= h.timeout {
				n++
			}
		}
		for j := 0; j < n && err == nil; j++ {
			err = fn(&rs[j].r, now.Sub(rs[j].at) >= h.timeout)
		}
		h.count -= n
		if n == len(rs) {
			delete(h.held, k)
			continue
		}
		clear(rs[:n])
		*l = rs[n:]
		kept = append(kept, k)
	}
	clear(h.keys[len(kept):])
	h.keys = kept
	return err
}

// oldest returns the time the longest-held record came.
func (h *Hold[K, R]) oldest() time.Time {
	t := h.now()
	for _, k := range h.keys {
		if at := (*h.held[k])[0].at; at.Before(t) {
			t = at
		}
	}
	return t
}

// All lets every held record go as expired: at the end of the input, no key comes any more.
func (h *Hold[K, R]) All(fn func(r *R) error) error {
	for _, k := range h.keys {
		rs := *h.held[k]
		for j := range rs {
			if err := fn(&rs[j].r); err != nil {
				return err
			}
		}
		delete(h.held, k)
	}
	h.keys, h.count = h.keys[:0], 0
	return nil
}
