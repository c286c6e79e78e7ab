// Changelogs: the state of a query kept durable in a compacted Kafka topic, written when its groups change and
// read back when a job starts or gets partitions (rt/kafka writes and reads the topic; this file is what the state
// gives it and takes back).

package rt

import (
	"encoding/binary"
	"fmt"
)

// Changelog is the durable form of one query's state: an aggregation without a window (Groups) or with tumbling
// windows (Windows), once generated code calls Log on it. A transport that commits offsets (Kafka) writes its
// changes together with the offsets they cover, and restores it when it gets partitions, instead of replaying
// the input the state was built from.
//
// Each group belongs to the partition of the record that created it (or of the changelog record it was restored
// from): its changes go to that partition of the changelog. With input partitioned by the GROUP BY key, that is
// the partition of every record of the group.
//
// Records of a changelog: the key is a tag byte, then
//
//	'g' <key>                  a group of an aggregation without a window; the value is its <state>
//	'w' <start: 8, BE> <key>   a group of the window that starts at start; the value is its <state>, none (a
//	                           tombstone) once the window closed
//
// where <key> and <state> are the Codec's forms. Transports add records of their own (rt/kafka: the layout and
// the input offset the partition's state covers), with other tags.
type Changelog interface {
	// Name is the query's name, after which the changelog is named.
	Name() string
	// Layout names the form of the state (Codec.Layout), so that a changelog written by another version of the
	// query is not read as this one's.
	Layout() string
	// Changes calls fn for each group changed since the last call, with the partition it belongs to, its key and
	// its value (nil: the group is gone). The slices are fn's to keep.
	Changes(fn func(part int32, key, value []byte))
	// Resync makes the next Changes list every group, after changes it listed were not written.
	Resync()
	// Load restores one group from a changelog record of partition part (not a tombstone), read after the state
	// was reset.
	Load(part int32, key, value []byte) error
	// Committed says that every change listed so far is written: Resync no longer lists the deletions among them.
	Committed()
	// Covers says that the restored state of partition part holds every record before offset next: records of
	// the partition before it are replays that the state skips (see Groups.Replayed).
	Covers(part int32, next int64)
}

// Changelog record tags: see Changelog.
const (
	logTagGroup  = 'g'
	logTagWindow = 'w'
)

// changelog is what the logged state of one query keeps besides its groups: the query's name and codec, the
// position of the record being processed, and per partition the offset before which its records are in the
// state restored.
type changelog struct {
	name   string
	layout string
	cur    *Cursor
	covers []int64 // per partition: restored state holds every record before this offset (0: none)
}

func (c *changelog) Name() string   { return c.name }
func (c *changelog) Layout() string { return c.layout }

func (c *changelog) Covers(part int32, next int64) {
	for int(part) >= len(c.covers) {
		c.covers = append(c.covers, 0)
	}
	c.covers[part] = next
}

// replayed reports whether the record being processed is already in the restored state.
func (c *changelog) replayed() bool {
	p := int(c.cur.Partition)
	return p < len(c.covers) && c.cur.Offset < c.covers[p]
}

// groupLog tracks which groups of one Groups changed since the changelog was last written, and the partition
// each belongs to.
type groupLog struct {
	cur     *Cursor
	parts   []int32 // per entry: its partition
	dirty   []int32 // entries changed since the last changes
	mark    []bool  // per entry: listed in dirty
	written bool    // some change was handed to the changelog (so closing the window leaves tombstones)
}

// touch notes that entry i changes.
func (l *groupLog) touch(i int32) {
	if !l.mark[i] {
		l.mark[i] = true
		l.dirty = append(l.dirty, i)
	}
}

// add notes a new entry of partition part, changed.
func (l *groupLog) add(part int32) {
	l.dirty = append(l.dirty, int32(len(l.parts)))
	l.parts = append(l.parts, part)
	l.mark = append(l.mark, true)
}

// loaded notes an entry restored from partition part, unchanged: the changelog has it.
func (l *groupLog) loaded(i int32, part int32) {
	if int(i) == len(l.parts) {
		l.parts = append(l.parts, part)
		l.mark = append(l.mark, false)
	}
	l.written = true
}

func (l *groupLog) reset() {
	l.parts, l.dirty, l.mark, l.written = l.parts[:0], l.dirty[:0], l.mark[:0], false
}

// all marks every entry changed.
func (l *groupLog) all() {
	l.dirty = l.dirty[:0]
	for i := range l.mark {
		l.mark[i] = true
		l.dirty = append(l.dirty, int32(i))
	}
}

// changes hands the changed entries of g to fn, keyed by prefix and the key's binary form.
func (g *Groups[K, S]) changes(prefix []byte, fn func(part int32, key, value []byte)) {
	l := g.lg
	for _, i := range l.dirty {
		e := &g.entries[i]
		key := g.lc.AppendKey(&e.key, append(make([]byte, 0, len(prefix)+16), prefix...))
		fn(l.parts[i], key, g.lc.AppendState(&e.state, nil))
		l.mark[i] = false
	}
	if len(l.dirty) > 0 {
		l.written = true
	}
	l.dirty = l.dirty[:0]
}

// load restores the group of key form kb and state form sb as an entry of partition part.
func (g *Groups[K, S]) load(part int32, kb, sb []byte) error {
	var d BinDecoder
	var k K
	d.Reset(kb)
	g.lc.DecodeKey(&k, &d)
	if d.Err() == nil && len(d.Rest()) > 0 {
		return fmt.Errorf("%d bytes after the key", len(d.Rest()))
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("the key: %v", err)
	}
	i, ok := g.index[k]
	if !ok {
		if len(g.entries) == maxGroups {
			return fmt.Errorf("more than 2^31-1 groups")
		}
		i = int32(len(g.entries))
		g.index[k] = i
		g.entries = append(g.entries, groupEntry[K, S]{key: k})
		g.lg.loaded(i, part)
	}
	s := &g.entries[i].state
	*s = *new(S)
	d.Reset(sb)
	g.lc.DecodeState(s, &d)
	if d.Err() == nil && len(d.Rest()) > 0 {
		return fmt.Errorf("%d bytes after the state", len(d.Rest()))
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("the state: %v", err)
	}
	return nil
}

// Log makes the groups durable in a changelog (see Changelog), under the query's name and with its codec. It
// takes effect when a transport that commits offsets tracks the groups (Source.Track); elsewhere (a file source
// given on the command line) the groups stay in memory as without it. Generated code calls it before Track.
func (g *Groups[K, S]) Log(name string, c *Codec[K, S]) {
	g.lc = c
	g.cl = &changelog{name: name, layout: c.Layout}
}

// Replayed reports whether the record being processed is already in the state restored from the changelog: the
// source replays it for other state of the job. Generated code skips such a record for this query.
func (g *Groups[K, S]) Replayed() bool { return g.lg != nil && g.cl.replayed() }

// logged returns the changelog of the groups, if it is active.
func (g *Groups[K, S]) logged() Changelog {
	if g.lg == nil {
		return nil
	}
	return groupsLog[K, S]{g.cl, g}
}

// groupsLog is the Changelog of an aggregation without a window (Name, Layout and Covers are its changelog's).
type groupsLog[K comparable, S any] struct {
	*changelog
	g *Groups[K, S]
}

func (l groupsLog[K, S]) Resync()    { l.g.lg.all() }
func (l groupsLog[K, S]) Committed() {}
func (l groupsLog[K, S]) Changes(fn func(int32, []byte, []byte)) {
	l.g.changes([]byte{logTagGroup}, fn)
}
func (l groupsLog[K, S]) Load(part int32, key, value []byte) error {
	if len(key) == 0 || key[0] != logTagGroup {
		return fmt.Errorf("a record that is not a group of %s", l.name)
	}
	return l.g.load(part, key[1:], value)
}

// Log makes the windows durable in a changelog (see Changelog and Groups.Log): a window's groups are written as
// they change and deleted (tombstones) when it closes.
func (w *Windows[K, S]) Log(name string, c *Codec[K, S]) {
	w.lc = c
	w.cl = &changelog{name: name, layout: c.Layout}
}

// Replayed reports whether the record being processed is already in the state restored from the changelog; see
// Groups.Replayed.
func (w *Windows[K, S]) Replayed() bool { return w.logging && w.cl.replayed() }

func (w *Windows[K, S]) logged() Changelog {
	if !w.logging {
		return nil
	}
	return windowsLog[K, S]{w.cl, w}
}

// windowsLog is the Changelog of an aggregation with tumbling windows (Name, Layout and Covers are its
// changelog's).
type windowsLog[K comparable, S any] struct {
	*changelog
	w *Windows[K, S]
}

func (l windowsLog[K, S]) Resync() {
	w := l.w
	for _, g := range w.open {
		g.lg.all()
	}
	w.tombs = append(w.sent, w.tombs...)
	w.sent = nil
}

func (l windowsLog[K, S]) Committed() { l.w.sent = nil }

func (l windowsLog[K, S]) Changes(fn func(int32, []byte, []byte)) {
	w := l.w
	for _, t := range w.tombs {
		fn(t.part, t.key, nil)
	}
	w.sent = append(w.sent, w.tombs...)
	w.tombs = nil
	for _, start := range w.starts {
		w.open[start].changes(windowPrefix(start), fn)
	}
}

func (l windowsLog[K, S]) Load(part int32, key, value []byte) error {
	if len(key) < 9 || key[0] != logTagWindow {
		return fmt.Errorf("a record that is not a window's group of %s", l.name)
	}
	start := int64(binary.BigEndian.Uint64(key[1:9]))
	return l.w.window(start).load(part, key[9:], value)
}

// windowPrefix is the start of the changelog key of a group of the window starting at start.
func windowPrefix(start int64) []byte {
	return binary.BigEndian.AppendUint64([]byte{logTagWindow}, uint64(start))
}

// logClosed notes the tombstones of a closing window's groups, if the changelog has any of them.
func (w *Windows[K, S]) logClosed(start int64, g *Groups[K, S]) {
	if !w.logging || !g.lg.written {
		return
	}
	prefix := windowPrefix(start)
	for i := range g.entries {
		key := g.lc.AppendKey(&g.entries[i].key, append(make([]byte, 0, len(prefix)+16), prefix...))
		w.tombs = append(w.tombs, logTomb{part: g.lg.parts[i], key: key})
	}
}

// logTomb is a deletion waiting for the next Changes.
type logTomb struct {
	part int32
	key  []byte
}
