// GET /metrics: the job's status in Prometheus's text exposition format, with the Go runtime's and the process's
// metrics from VictoriaMetrics/metrics (with their HELP and TYPE lines, as the job's own metrics have).

package ops

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"github.com/velocc/velocc/rt"
)

// writeMetrics writes st as metrics: each family's HELP and TYPE once, then its samples.
func writeMetrics(out io.Writer, st *rt.Status) {
	bw := bufio.NewWriter(out)
	defer bw.Flush()
	w := &exposition{w: bw}

	w.family("velocc_job_info", "gauge", "The job's name and the Go release and velocc it was built with; always 1.")
	w.gauge("velocc_job_info", 1, "job", st.Job, "version", st.Version)
	w.family("velocc_job_start_time_seconds", "gauge", "When the job started, in seconds since the epoch.")
	w.gauge("velocc_job_start_time_seconds", float64(st.Started.UnixMilli())/1000)
	w.family("velocc_job_ready", "gauge", "1 when the job is ready (GET /readyz): running, its tables loaded, not stopping.")
	w.gauge("velocc_job_ready", bit(st.Ready))

	sources := func(name, help string, value func(s *rt.SourceStatus) int64) {
		w.family(name, "counter", help)
		for i := range st.Sources {
			s := &st.Sources[i]
			w.counter(name, value(s), "source", s.Name)
		}
	}
	sources("velocc_source_records_read_total", "Records the source handed to the job (the exit statistics' read).",
		func(s *rt.SourceStatus) int64 { return s.Read })
	sources("velocc_source_bytes_read_total", "Bytes of the records read.", func(s *rt.SourceStatus) int64 { return s.Bytes })
	sources("velocc_source_records_bad_total", "Records that did not decode: skipped, dead-lettered, or the one that stopped the job.",
		func(s *rt.SourceStatus) int64 { return s.Bad })
	sources("velocc_source_records_late_total", "Records that came after their window closed.",
		func(s *rt.SourceStatus) int64 { return s.Late })
	sources("velocc_source_records_dead_lettered_total", "Bad and late records written to the dead-letter file.",
		func(s *rt.SourceStatus) int64 { return s.DeadLettered })
	sources("velocc_source_tombstones_skipped_total", "Kafka messages without a value, skipped.",
		func(s *rt.SourceStatus) int64 { return s.Tombstones })

	w.family("velocc_source_watermark_seconds", "gauge", "The lowest watermark of the windows over the source, in seconds since the epoch.")
	for _, s := range st.Sources {
		if s.Watermark != nil {
			w.gauge("velocc_source_watermark_seconds", float64(*s.Watermark)/1000, "source", s.Name)
		}
	}
	w.family("velocc_source_watermark_delay_seconds", "gauge", "How far the watermark is behind the wall clock.")
	for _, s := range st.Sources {
		if s.Watermark != nil {
			w.gauge("velocc_source_watermark_delay_seconds", float64(st.Now.UnixMilli()-*s.Watermark)/1000, "source", s.Name)
		}
	}
	w.family("velocc_source_consumer_lag", "gauge", "Messages of the partition the job has not read yet (Kafka).")
	for _, s := range st.Sources {
		for _, l := range s.Lag {
			w.gauge("velocc_source_consumer_lag", float64(max(l.End-l.Offset, 0)), "source", s.Name, "partition", strconv.Itoa(int(l.Partition)))
		}
	}

	w.family("velocc_source_record_latency_seconds", "histogram", "Time from a record's Kafka timestamp to the end of its processing (its rows handed to the sinks), on one record in 64.")
	for _, s := range st.Sources {
		w.histogram("velocc_source_record_latency_seconds", s.Latency, "source", s.Name)
	}
	w.family("velocc_source_commit_duration_seconds", "histogram", "Time a commit of offsets took: the sinks flushed, then the offsets committed (Kafka).")
	for _, s := range st.Sources {
		w.histogram("velocc_source_commit_duration_seconds", s.Commits, "source", s.Name)
	}

	w.family("velocc_table_rows", "gauge", "Rows in the table.")
	for _, s := range st.Sources {
		if t := s.Table; t != nil {
			w.gauge("velocc_table_rows", float64(t.Rows), "table", t.Name)
		}
	}
	w.family("velocc_table_loaded", "gauge", "1 once the table finished its initial load.")
	for _, s := range st.Sources {
		if t := s.Table; t != nil {
			w.gauge("velocc_table_loaded", bit(!t.Loaded.IsZero()), "table", t.Name)
		}
	}
	w.family("velocc_table_load_progress_ratio", "gauge", "The part of the table's input read by its initial load, from 0 to 1, when its size is known.")
	for _, s := range st.Sources {
		if t := s.Table; t != nil && t.BytesTotal > 0 {
			w.gauge("velocc_table_load_progress_ratio", min(float64(t.BytesRead)/float64(t.BytesTotal), 1), "table", t.Name)
		}
	}

	sinks := func(name, help string, value func(s *rt.SinkStatus) (int64, bool)) {
		w.family(name, "counter", help)
		for i := range st.Sinks {
			s := &st.Sinks[i]
			if v, ok := value(s); ok {
				w.counter(name, v, "sink", s.Name)
			}
		}
	}
	sinks("velocc_sink_rows_emitted_total", "Rows written to the sink, retractions included (the exit statistics' emitted).",
		func(s *rt.SinkStatus) (int64, bool) { return s.Emitted, true })
	sinks("velocc_sink_rows_retracted_total", "Retractions written to the sink.",
		func(s *rt.SinkStatus) (int64, bool) { return s.Retracted, true })
	delivery := func(f func(d *rt.DeliveryStats) int64) func(s *rt.SinkStatus) (int64, bool) {
		return func(s *rt.SinkStatus) (int64, bool) {
			if s.Delivery == nil {
				return 0, false
			}
			return f(s.Delivery), true
		}
	}
	sinks("velocc_sink_deliveries_total", "Messages the destination acknowledged (Kafka).",
		delivery(func(d *rt.DeliveryStats) int64 { return d.Acked }))
	sinks("velocc_sink_delivery_errors_total", "Failed delivery attempts.",
		delivery(func(d *rt.DeliveryStats) int64 { return d.Errors }))
	sinks("velocc_sink_delivery_retries_total", "Messages sent again after a failure.",
		delivery(func(d *rt.DeliveryStats) int64 { return d.Retries }))
	sinks("velocc_sink_circuit_opened_total", "Times the sink's circuit breaker opened.",
		delivery(func(d *rt.DeliveryStats) int64 { return d.Opened }))
	w.family("velocc_sink_circuit_state", "gauge", "1 for the state the sink's circuit breaker is in (closed, open, half_open), 0 for the others.")
	for _, s := range st.Sinks {
		if d := s.Delivery; d != nil && d.Circuit != "" {
			for _, state := range []string{"closed", "open", "half_open"} {
				w.gauge("velocc_sink_circuit_state", bit(d.Circuit == state), "sink", s.Name, "state", state)
			}
		}
	}

	states := func(name, help string, value func(s *rt.StateStatus) int64) {
		w.family(name, "gauge", help)
		for i := range st.States {
			s := &st.States[i]
			w.gauge(name, float64(value(s)), "query", s.Query, "at", s.At)
		}
	}
	states("velocc_state_groups", "Groups the query keeps (in every open window), sampled as the job reads.",
		func(s *rt.StateStatus) int64 { return s.Groups })
	states("velocc_state_groups_in_memory", "The groups kept in memory; the others spilled to disk.",
		func(s *rt.StateStatus) int64 { return s.InMemory })
	states("velocc_state_windows", "Open windows of the query.", func(s *rt.StateStatus) int64 { return s.Windows })
	states("velocc_state_bytes", "An estimate of the memory the query's groups take.", func(s *rt.StateStatus) int64 { return s.Bytes })

	w.family("velocc_memory_budget_bytes", "gauge", "The job's memory budget; 0 for none.")
	w.gauge("velocc_memory_budget_bytes", float64(st.Memory.Budget))
	w.family("velocc_memory_live_heap_bytes", "gauge", "The live heap at the last check.")
	w.gauge("velocc_memory_live_heap_bytes", float64(st.Memory.LiveHeap))

	w.userMetrics(st.Metrics)
	metrics.WriteProcessMetrics(bw)
}

// userMetrics writes the metrics the script's -- @metric annotations declare, each a family of its own, then how
// many rows each could not measure because of its limit on label sets.
func (e *exposition) userMetrics(ms []rt.UserMetric) {
	var labels []string
	for _, m := range ms {
		e.family(m.Name, m.Type, helpEscaper.Replace(m.Help))
		for _, s := range m.Series {
			labels = labels[:0]
			for i, name := range m.Labels {
				labels = append(labels, name, s.Labels[i])
			}
			if s.Histogram != nil {
				e.histogram(m.Name, s.Histogram, labels...)
			} else {
				e.gauge(m.Name, s.Value, labels...)
			}
		}
	}
	if len(ms) == 0 {
		return
	}
	e.family("velocc_metric_series_dropped_total", "counter", "Rows a metric from SQL did not measure: their label set would have gone past its limit of label sets (@metric_max_series).")
	for _, m := range ms {
		e.counter("velocc_metric_series_dropped_total", m.Dropped, "metric", m.Name)
	}
}

// helpEscaper escapes a HELP text as the text format wants: backslash and line feed.
var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)

func init() { metrics.ExposeMetadata(true) }

// exposition writes metric families.
type exposition struct {
	w   *bufio.Writer
	buf []byte
}

// family starts a family: its HELP and TYPE lines.
func (e *exposition) family(name, typ, help string) {
	e.w.WriteString("# HELP " + name + " " + help + "\n# TYPE " + name + " " + typ + "\n")
}

// counter writes a sample of a counter family.
func (e *exposition) counter(name string, v int64, labels ...string) {
	e.series(name, labels)
	e.buf = append(e.buf, ' ')
	e.buf = strconv.AppendInt(e.buf, max(v, 0), 10)
	e.buf = append(e.buf, '\n')
	e.w.Write(e.buf)
}

// gauge writes a sample of a gauge family.
func (e *exposition) gauge(name string, v float64, labels ...string) {
	e.series(name, labels)
	e.buf = append(e.buf, ' ')
	e.buf = strconv.AppendFloat(e.buf, v, 'g', -1, 64)
	e.buf = append(e.buf, '\n')
	e.w.Write(e.buf)
}

// histogram writes the samples of a histogram family: the cumulative buckets, the sum and the count; nothing for
// nil.
func (e *exposition) histogram(name string, h *rt.Histogram, labels ...string) {
	if h == nil {
		return
	}
	le := append(labels[:len(labels):len(labels)], "le", "")
	for i, b := range h.Bounds {
		le[len(le)-1] = strconv.FormatFloat(b, 'g', -1, 64)
		e.counter(name+"_bucket", int64(h.Counts[i]), le...)
	}
	le[len(le)-1] = "+Inf"
	e.counter(name+"_bucket", int64(h.Count), le...)
	e.gauge(name+"_sum", h.Sum, labels...)
	e.counter(name+"_count", int64(h.Count), labels...)
}

// series puts name{k="v",...} in e.buf for labels k1, v1, k2, v2, ..., with the values escaped.
func (e *exposition) series(name string, labels []string) {
	b := append(e.buf[:0], name...)
	if len(labels) == 0 {
		e.buf = b
		return
	}
	b = append(b, '{')
	for i := 0; i+1 < len(labels); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, labels[i]...)
		b = append(b, `="`...)
		b = append(b, labelEscaper.Replace(labels[i+1])...)
		b = append(b, '"')
	}
	b = append(b, '}')
	e.buf = b
}

// labelEscaper escapes a label value as the text format wants: backslash, double quote and line feed.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
