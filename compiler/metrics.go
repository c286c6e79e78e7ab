// Metrics from SQL: the "-- @metric:" annotations on the lines before a statement (Velostream's syntax), checked
// against the statement's output columns and put in the plan, where codegen updates each metric with every row
// the statement's queries write.
package compiler

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/velocc/velocc/grammar"
)

// MetricKind is what a metric measures.
type MetricKind uint8

// Metric kinds.
const (
	MetricCounter   MetricKind = iota // the rows written, or the sum of a column over them
	MetricGauge                       // a column's value in the last row written
	MetricHistogram                   // the distribution of a column's values
)

var metricKindNames = [...]string{"counter", "gauge", "histogram"}

func (k MetricKind) String() string { return metricKindNames[k] }

// Metric is a Prometheus metric that annotations before a statement declare. Every row the statement's queries
// write (not a retraction) updates it, when Cond holds: a counter adds 1 (or Field), a gauge takes Field, a
// histogram observes Field, in the series of the row's Labels.
type Metric struct {
	Name string
	Help string
	Kind MetricKind
	// Row is the output row of the statement as fields, Row[i] its column i: what Labels, Field and Cond read.
	Row    []*Field
	Labels []*Field
	Field  *Field // nil: a counter adds 1 per row
	// Cond is the @metric_condition, a row expression over Row; nil: every row.
	Cond      Expr
	Buckets   []float64 // a histogram's bucket bounds, increasing; nil: rt's defaults
	MaxSeries int64     // label sets kept at most; 0: rt's default
	Loc       Loc       // the @metric line
	GoName    string    // unique among the job's metrics
}

// metricKeys are the annotation keys velocc reads; each metric starts with "@metric:". @metric_max_series is
// velocc's; @metric_sample_rate is Velostream's, which velocc ignores.
var metricKeys = []string{"metric", "metric_type", "metric_help", "metric_labels", "metric_field", "metric_condition",
	"metric_buckets", "metric_max_series"}

// maxMetricSeries bounds @metric_max_series.
const maxMetricSeries = 1_000_000

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// reservedMetricPrefixes are the prefixes of the metrics a job serves of its own: velocc's, and the Go runtime's
// and the process's.
var reservedMetricPrefixes = []string{"velocc_", "go_", "process_"}

// annotation is one "-- @key: value" line. Offsets are bytes of the script; the value ends before a "--" that
// starts a comment of its own (outside quotes), and is trimmed.
type annotation struct {
	key              string // lower case, without the @
	key0, key1       int    // the @key
	val0, val1       int    // the value
	colon            bool
	line0, lineEnd   int // the whole comment
	keySpan, valSpan grammar.Span
}

// metricBlock is the annotations of one metric: "@metric:" and the keys that follow it.
type metricBlock struct {
	start *annotation
	keys  map[string]*annotation
}

// scanAnnotations finds the "-- @metric...: value" comments of src, outside strings, quoted identifiers and block
// comments.
func scanAnnotations(src []byte) []*annotation {
	var out []*annotation
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == '\'' || c == '"' || c == '`':
			j := bytes.IndexByte(src[i+1:], c)
			if j < 0 {
				return out
			}
			i += j + 2
		case bytes.HasPrefix(src[i:], []byte("/*")):
			j := bytes.Index(src[i+2:], []byte("*/"))
			if j < 0 {
				return out
			}
			i += j + 4
		case bytes.HasPrefix(src[i:], []byte("--")):
			end := len(src)
			if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
				end = i + j
			}
			if a := parseAnnotation(src, i, end); a != nil {
				out = append(out, a)
			}
			i = end
		default:
			i++
		}
	}
	return out
}

// parseAnnotation reads the line comment src[start:end] ("--" included) as an annotation, or returns nil when it
// is none of velocc's.
func parseAnnotation(src []byte, start, end int) *annotation {
	i := start + 2
	for i < end && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= end || src[i] != '@' {
		return nil
	}
	k := i + 1
	for k < end && (src[k] == '_' || src[k] >= 'a' && src[k] <= 'z' || src[k] >= 'A' && src[k] <= 'Z' || src[k] >= '0' && src[k] <= '9') {
		k++
	}
	key := strings.ToLower(string(src[i+1 : k]))
	if !strings.HasPrefix(key, "metric") {
		return nil // another tool's annotation
	}
	a := &annotation{key: key, key0: i, key1: k, line0: start, lineEnd: end}
	j := k
	for j < end && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	if j < end && src[j] == ':' {
		a.colon = true
		j++
	}
	for j < end && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	a.val0, a.val1 = j, j
	var quote byte
	for v := j; v < end; v++ {
		c := src[v]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '-' && v+1 < end && src[v+1] == '-':
			end = v
		}
	}
	for end > j && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r') {
		end--
	}
	a.val1 = max(end, j)
	return a
}

// posAt returns the position of byte offset off of the script.
func (c *checker) posAt(off int) grammar.Pos {
	line := 1 + bytes.Count(c.src[:off], []byte("\n"))
	ls := bytes.LastIndexByte(c.src[:off], '\n') + 1
	return grammar.Pos{File: c.file, Offset: off, Line: line, Col: 1 + utf8.RuneCount(c.src[ls:off])}
}

func (c *checker) spanAt(from, to int) grammar.Span {
	return grammar.Span{Start: c.posAt(from), End: c.posAt(to)}
}

// metricBlocks reads the script's metric annotations and groups them by the statement they precede: the result
// holds, for each statement index, its metrics in order. Annotations elsewhere are reported.
func (c *checker) metricBlocks(script *grammar.Script) map[int][]*metricBlock {
	anns := scanAnnotations(c.src)
	if len(anns) == 0 {
		return nil
	}
	out := map[int][]*metricBlock{}
	var cur *metricBlock
	curStmt := -1
	for _, a := range anns {
		a.keySpan, a.valSpan = c.spanAt(a.key0, a.key1), c.spanAt(a.val0, a.val1)
		if a.val1 == a.val0 {
			a.valSpan = a.keySpan
		}
		st := sort.Search(len(script.Statements), func(i int) bool { return script.Statements[i].Span().Start.Offset > a.key0 })
		if st > 0 && script.Statements[st-1].Span().End.Offset > a.key0 {
			c.warnf(CodeMetric, a.keySpan, "@%s inside a statement is ignored: annotations go on the lines before the statement", a.key)
			continue
		}
		if st == len(script.Statements) {
			c.warnf(CodeMetric, a.keySpan, "@%s is ignored: no statement follows it", a.key)
			continue
		}
		if st != curStmt {
			cur, curStmt = nil, st
		}
		if !a.colon {
			c.errorf(CodeMetric, a.keySpan, "an annotation is written -- @%s: VALUE", a.key)
			continue
		}
		switch {
		case a.key == "metric":
			cur = &metricBlock{start: a, keys: map[string]*annotation{}}
			out[st] = append(out[st], cur)
			continue
		case a.key == "metric_sample_rate":
			c.warnf(CodeMetric, a.keySpan, "@metric_sample_rate is ignored: velocc measures every row (narrow the rows with @metric_condition)")
			continue
		case !slices.Contains(metricKeys, a.key):
			c.warnf(CodeMetric, a.keySpan, "unknown annotation @%s is ignored%s", a.key, suggest(a.key, metricKeys))
			continue
		case cur == nil:
			c.errorf(CodeMetric, a.keySpan, "@%s comes before any @metric: start each metric with -- @metric: NAME", a.key)
			continue
		}
		if prev := cur.keys[a.key]; prev != nil {
			c.errorf(CodeMetric, a.keySpan, "@%s is given twice for metric %q (first at line %d)", a.key, c.text(cur.start), prev.keySpan.Start.Line)
			continue
		}
		cur.keys[a.key] = a
	}
	return out
}

// text is an annotation's value.
func (c *checker) text(a *annotation) string { return string(c.src[a.val0:a.val1]) }

// metrics checks the metrics annotating a statement and gives them to the queries it added to the plan, those
// from index n on that write the statement's output (the last one's sink).
func (c *checker) metrics(blocks []*metricBlock, st grammar.Stmt, n int) {
	if len(blocks) == 0 {
		return
	}
	if _, ok := st.(*grammar.CreateSource); ok {
		c.errorf(CodeMetric, blocks[0].start.keySpan, "@metric measures the rows a query writes; this statement declares a source: annotate a CREATE STREAM ... AS SELECT, an INSERT INTO or a SELECT")
		return
	}
	if len(c.plan.Queries) == n {
		return // the statement had errors
	}
	sink := c.plan.Queries[len(c.plan.Queries)-1].Sink
	var queries []*Query
	for _, q := range c.plan.Queries[n:] {
		if q.Sink == sink {
			queries = append(queries, q)
		}
	}
	for _, b := range blocks {
		if m := c.metric(b, sink, queries[0].Loc); m != nil {
			for _, q := range queries {
				q.Metrics = append(q.Metrics, m)
			}
			c.plan.Metrics = append(c.plan.Metrics, m)
		}
	}
}

// metric checks one metric of a statement whose rows go to sink; at is the statement.
func (c *checker) metric(b *metricBlock, sink *Sink, at Loc) *Metric {
	errs := c.errorCount()
	name := c.text(b.start)
	m := &Metric{Name: name, Loc: c.loc(c.spanAt(b.start.line0, b.start.lineEnd))}
	nameSpan := b.start.valSpan
	switch {
	case name == "":
		c.errorf(CodeMetric, nameSpan, "@metric needs a name: -- @metric: orders_total")
	case !metricNameRE.MatchString(name):
		c.errorf(CodeMetric, nameSpan, "metric name %q is not a Prometheus metric name: letters, digits, _ and :, not starting with a digit", name)
	}
	for _, p := range reservedMetricPrefixes {
		if strings.HasPrefix(name, p) {
			c.errorf(CodeMetric, nameSpan, "metric name %q starts with %q, which the job's own metrics use: choose another prefix", name, p)
		}
	}
	if a := b.keys["metric_type"]; a != nil {
		switch t := strings.ToLower(c.text(a)); t {
		case "counter", "gauge", "histogram":
			m.Kind = MetricKind(slices.Index(metricKindNames[:], t))
		default:
			c.errorf(CodeMetric, a.valSpan, "unknown metric type %q; use counter, gauge or histogram", c.text(a))
			return nil
		}
	}
	if m.Kind == MetricCounter && name != "" && !strings.HasSuffix(name, "_total") {
		c.errorf(CodeMetric, nameSpan, "a counter's name ends in _total, as Prometheus names counters: name it %q", name+"_total")
	}
	for i, col := range sink.Columns {
		m.Row = append(m.Row, &Field{Name: col.Name, GoName: col.GoName, Index: i, Type: col.Type, Nullable: true})
	}
	column := func(name string, span grammar.Span) *Field {
		for _, f := range m.Row {
			if strings.EqualFold(f.Name, name) {
				return f
			}
		}
		c.errorf(CodeUnknownColumn, span, "unknown column %q in the output of %q%s", name, sink.Name, suggest(name, fieldNames(m.Row)))
		return nil
	}
	if a := b.keys["metric_labels"]; a != nil {
		seen := map[*Field]bool{}
		off := a.val0
		for _, part := range strings.Split(c.text(a), ",") {
			lead := len(part) - len(strings.TrimLeft(part, " \t"))
			label := strings.TrimSpace(part)
			span := c.spanAt(off+lead, off+lead+len(label))
			off += len(part) + 1
			if label == "" {
				c.errorf(CodeMetric, a.valSpan, "@metric_labels wants output columns separated by commas: -- @metric_labels: symbol, side")
				continue
			}
			f := column(label, span)
			switch {
			case f == nil:
			case seen[f]:
				c.errorf(CodeMetric, span, "label %q is given twice", label)
			case !labelNameRE.MatchString(f.Name) || strings.HasPrefix(f.Name, "__"):
				c.errorf(CodeMetric, span, "column %q cannot name a Prometheus label (letters, digits and _, not starting with a digit or __): rename it with AS", f.Name)
			case m.Kind == MetricHistogram && f.Name == "le":
				c.errorf(CodeMetric, span, "a histogram's buckets take the label \"le\": rename the column with AS")
			case !labelType(f.Type):
				c.errorf(CodeMetric, span, "column %q is %s, which cannot label a metric; labels are text, numbers, booleans and times", f.Name, f.Type)
			default:
				seen[f] = true
				m.Labels = append(m.Labels, f)
			}
		}
	}
	if a := b.keys["metric_field"]; a != nil {
		if f := column(c.text(a), a.valSpan); f != nil {
			switch f.Type.Kind {
			case Int, BigInt, Double, Decimal:
				m.Field = f
			default:
				c.errorf(CodeTypeMismatch, a.valSpan, "@metric_field %q is %s; a metric measures a number (INT, BIGINT, DOUBLE or DECIMAL)", f.Name, f.Type)
			}
		}
	} else if m.Kind != MetricCounter {
		c.errorf(CodeMetric, nameSpan, "a %s measures a column: add -- @metric_field: COLUMN", m.Kind)
	}
	if a := b.keys["metric_condition"]; a != nil {
		m.Cond = c.metricCondition(a, m.Row, sink.Name)
	}
	if a := b.keys["metric_buckets"]; a != nil {
		if m.Kind != MetricHistogram {
			c.warnf(CodeMetric, a.keySpan, "@metric_buckets is ignored: %q is a %s, not a histogram", name, m.Kind)
		} else {
			m.Buckets = c.metricBuckets(a)
		}
	}
	if a := b.keys["metric_max_series"]; a != nil {
		n, err := strconv.ParseInt(c.text(a), 10, 64)
		if err != nil || n < 1 || n > maxMetricSeries {
			c.errorf(CodeMetric, a.valSpan, "@metric_max_series wants a whole number of label sets from 1 to %d, got %q", maxMetricSeries, c.text(a))
		}
		m.MaxSeries = n
	}
	if a := b.keys["metric_help"]; a != nil {
		m.Help = unquoteHelp(c.text(a))
	}
	if m.Help == "" {
		m.Help = defaultHelp(m, sink, at)
	}
	if c.errorCount() > errs {
		return nil
	}
	for _, prev := range c.plan.Metrics {
		for _, x := range seriesNames(prev) {
			if slices.Index(seriesNames(m), x) >= 0 {
				c.errorf(CodeDuplicate, nameSpan, "metric %q clashes with metric %q at %s:%d (both name the series %s)", name, prev.Name, prev.Loc.File, prev.Loc.Line, x)
				return nil
			}
		}
	}
	m.GoName = "metric" + goName(name)
	for _, prev := range c.plan.Metrics {
		if prev.GoName == m.GoName {
			m.GoName += strconv.Itoa(len(c.plan.Metrics))
		}
	}
	return m
}

// seriesNames are the names of the series a metric writes.
func seriesNames(m *Metric) []string {
	if m.Kind == MetricHistogram {
		return []string{m.Name + "_bucket", m.Name + "_sum", m.Name + "_count", m.Name}
	}
	return []string{m.Name}
}

// labelType reports whether a column of type t can label a metric.
func labelType(t Type) bool {
	switch t.Kind {
	case Bool, Int, BigInt, Double, Decimal, Varchar, Timestamp, Date, Time:
		return true
	}
	return false
}

// metricCondition checks a @metric_condition: a BOOLEAN expression over the output row, typed as a WHERE is.
func (c *checker) metricCondition(a *annotation, row []*Field, output string) Expr {
	if a.val1 == a.val0 {
		c.errorf(CodeMetric, a.keySpan, "@metric_condition needs a condition over the output columns: -- @metric_condition: quantity > 1000")
		return nil
	}
	e, err := grammar.ParseExpr(c.file, c.src, a.val0, a.val1)
	if err != nil {
		pos := a.valSpan.Start
		msg := err.Error()
		if perr, ok := err.(*grammar.Error); ok {
			pos, msg = perr.Pos, perr.Msg
		}
		c.errorf(CodeSyntax, grammar.Span{Start: pos, End: pos}, "@metric_condition: %s", msg)
		return nil
	}
	bad := false
	walkExpr(e, func(x grammar.Expr) {
		var what string
		switch v := x.(type) {
		case *grammar.Subquery:
			what = "a subquery"
		case *grammar.In:
			if v.Sub != nil {
				what = "a subquery"
			}
		case *grammar.Call:
			if v.Over != nil {
				what = "a window function"
			} else if isAggregate(v) {
				what = "an aggregate"
			}
		}
		if what != "" && !bad {
			bad = true
			c.errorf(CodeMetric, x.Span(), "@metric_condition reads the columns of each output row; %s is not allowed here", what)
		}
	})
	if bad {
		return nil
	}
	src := &Source{Name: output, Fields: row}
	qc := &qctx{src: src, rels: []*rel{{src: src}}, q: &Query{Name: output}}
	x := c.expr(qc, e, modeRow)
	if x == nil {
		return nil
	}
	x = c.wantBool(x, e, "@metric_condition")
	if x != nil {
		locate(&Query{Where: x, Loc: c.loc(e.Span())})
	}
	return x
}

// metricBuckets reads @metric_buckets: numbers, increasing, separated by commas, in brackets or not.
func (c *checker) metricBuckets(a *annotation) []float64 {
	text := strings.TrimSpace(c.text(a))
	if strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") {
		text = text[1 : len(text)-1]
	}
	var out []float64
	for _, part := range strings.Split(text, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		switch {
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			c.errorf(CodeMetric, a.valSpan, "@metric_buckets wants increasing numbers separated by commas, [10, 100, 1000]; %q is not a number", strings.TrimSpace(part))
			return nil
		case len(out) > 0 && v <= out[len(out)-1]:
			c.errorf(CodeMetric, a.valSpan, "@metric_buckets must increase: %v comes after %v", v, out[len(out)-1])
			return nil
		}
		out = append(out, v)
	}
	return out
}

// unquoteHelp strips the quotes around a @metric_help.
func unquoteHelp(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// defaultHelp describes a metric without @metric_help by what it measures.
func defaultHelp(m *Metric, sink *Sink, at Loc) string {
	rows := fmt.Sprintf("the rows the statement at %s:%d writes to %s", at.File, at.Line, sink.Name)
	switch {
	case m.Field == nil:
		return "Count of " + rows + "."
	case m.Kind == MetricCounter:
		return fmt.Sprintf("Sum of %s over %s.", m.Field.Name, rows)
	case m.Kind == MetricGauge:
		return fmt.Sprintf("%s in the last of %s.", m.Field.Name, rows)
	}
	return fmt.Sprintf("Distribution of %s over %s.", m.Field.Name, rows)
}
