// The recent past of a job, for the status page's charts: once a second, the records read, rows emitted and
// consumer lag, kept for five minutes, so that a page opened now shows the minutes before it.

package ops

import (
	"sync"
	"time"

	"github.com/velocc/velocc/rt"
)

// historyLen is how many samples are kept: five minutes of one a second.
const historyLen = 300

// sample is the job's totals at one moment.
type sample struct {
	Time    int64 `json:"t"`       // epoch milliseconds
	Read    int64 `json:"read"`    // records read by every source
	Emitted int64 `json:"emitted"` // rows written by every sink
	Lag     int64 `json:"lag"`     // messages not read yet, over every partition of every Kafka source
	// Per source, the records read, and per sink, the rows written: their rates in the page's tables.
	Sources map[string]int64 `json:"sources"`
	Sinks   map[string]int64 `json:"sinks"`
}

// history samples a job once a second until stop.
type history struct {
	mu   sync.Mutex
	ring []sample // the samples, oldest first
	done chan struct{}
	once sync.Once
}

func newHistory(m *rt.Monitor) *history {
	h := &history{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			h.add(m.Status())
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// add records st's totals.
func (h *history) add(st *rt.Status) {
	s := sample{Time: st.Now.UnixMilli(), Sources: map[string]int64{}, Sinks: map[string]int64{}}
	for _, src := range st.Sources {
		s.Read += src.Read
		s.Sources[src.Name] = src.Read
		for _, l := range src.Lag {
			s.Lag += max(l.End-l.Offset, 0)
		}
	}
	for _, sk := range st.Sinks {
		s.Emitted += sk.Emitted
		s.Sinks[sk.Name] = sk.Emitted
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.ring) == historyLen {
		copy(h.ring, h.ring[1:])
		h.ring = h.ring[:historyLen-1]
	}
	h.ring = append(h.ring, s)
}

// samples returns a copy of the samples, oldest first.
func (h *history) samples() []sample {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]sample{}, h.ring...)
}

// stop ends the sampling.
func (h *history) stop() { h.once.Do(func() { close(h.done) }) }
