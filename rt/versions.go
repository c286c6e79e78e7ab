// Versions: the history of one key of a table joined FOR SYSTEM_TIME AS OF (an event-time join).

package rt

import "slices"

// Versions is the history of one key of a versioned table: its rows in event-time order, and which row came last
// in the input (the key's current row, which joins without AS OF see). A table joined FOR SYSTEM_TIME AS OF
// stores a Versions per key (Table[K, Versions[R]]).
//
// A Versions value, once stored, is never changed where a reader can see it: With returns a new value that
// shares the old one's arrays only beyond their length (an append in time order) or copies them (an insert), so
// a stream goroutine may keep reading a history it looked up while the table's source adds versions.
type Versions[R any] struct {
	ts   []int64
	rows []R
	last int32 // index in rows of the row put last
}

// With returns the history with r added at event time ts. A row at a time the history has already replaces that
// version. v may be nil (a new key).
func (v *Versions[R]) With(ts int64, r *R) Versions[R] {
	if v == nil || len(v.ts) == 0 {
		return Versions[R]{ts: []int64{ts}, rows: []R{*r}}
	}
	n := len(v.ts)
	if ts > v.ts[n-1] {
		// In time order, the usual case: the arrays grow in place beyond what earlier values see.
		return Versions[R]{ts: append(v.ts, ts), rows: append(v.rows, *r), last: int32(n)}
	}
	i, found := slices.BinarySearch(v.ts, ts)
	out := Versions[R]{last: int32(i)}
	if found {
		out.ts = v.ts
		out.rows = slices.Clone(v.rows)
		out.rows[i] = *r
		return out
	}
	out.ts = slices.Insert(slices.Clone(v.ts), i, ts)
	out.rows = slices.Insert(slices.Clone(v.rows), i, *r)
	return out
}

// AsOf returns the version valid at ts: the latest at or before it; nil when every version is later.
func (v *Versions[R]) AsOf(ts int64) *R {
	i, found := slices.BinarySearch(v.ts, ts)
	if found {
		return &v.rows[i]
	}
	if i == 0 {
		return nil
	}
	return &v.rows[i-1]
}

// Latest returns the row put last, whatever its time: the key's current row.
func (v *Versions[R]) Latest() *R {
	if len(v.rows) == 0 {
		return nil
	}
	return &v.rows[v.last]
}

// Len returns the number of versions.
func (v *Versions[R]) Len() int { return len(v.ts) }
