// Check: name resolution and semantic rules over a parsed script, producing the typed plan.
package compiler

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/velocc/velocc/grammar"
)

// Options configure a compilation.
type Options struct {
	// ReadFile reads files the script references (config files); nil means os.ReadFile. Relative paths are
	// resolved against the script's directory.
	ReadFile func(path string) ([]byte, error)
	// LookupEnv resolves ${VAR} in config files; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Compile parses and checks a script. The plan is nil when there are errors; warnings come with a plan.
func Compile(filename string, src []byte, opts *Options) (*Plan, Diagnostics) {
	r := newReporter()
	r.files[filename] = src
	script, err := grammar.Parse(filename, src)
	if err != nil {
		pos := grammar.Pos{File: filename, Line: 1, Col: 1}
		msg := err.Error()
		if perr, ok := err.(*grammar.Error); ok {
			pos, msg = perr.Pos, perr.Msg
		}
		r.errorf(CodeSyntax, grammar.Span{Start: pos, End: pos}, "%s", msg)
		return nil, r.result()
	}
	return check(script, filename, opts, r)
}

// Check checks a parsed script and builds its plan.
func Check(script *grammar.Script, filename string, opts *Options) (*Plan, Diagnostics) {
	r := newReporter()
	r.files[filename] = script.Src
	return check(script, filename, opts, r)
}

type checker struct {
	*reporter
	readFile    func(string) ([]byte, error)
	lookupEnv   func(string) (string, bool)
	dir         string
	file        string
	src         []byte
	plan        *Plan
	sources     map[string]*Source // by lower-cased name
	broken      map[*Source]bool   // sources with a reported error that leaves their schema unknown
	goNames     map[string]int     // Go names of sources and queries, which share the generated file's top level
	sinks       map[string]bool
	outputs     map[string]*output    // what statements write, by lower-cased name (graph.go)
	timeProps   map[*Query]*prop      // '<name>.event.time.field' of a CREATE STREAM ... AS SELECT (graph.go)
	readLater   map[string]bool       // names some statement reads in FROM or JOIN (graph.go)
	bareSelects int                   // bare SELECTs so far: their sinks are select_1, select_2, ...
	jobSet      map[string]jobSetting // job settings given so far, by key (jobprops.go)
}

func check(script *grammar.Script, filename string, opts *Options, r *reporter) (*Plan, Diagnostics) {
	c := &checker{
		reporter: r, file: filename, src: script.Src, dir: filepath.Dir(filename),
		readFile: os.ReadFile, lookupEnv: os.LookupEnv,
		sources: map[string]*Source{}, sinks: map[string]bool{}, outputs: map[string]*output{}, timeProps: map[*Query]*prop{}, broken: map[*Source]bool{}, goNames: reservedGoNames(),
	}
	if opts != nil && opts.ReadFile != nil {
		c.readFile = opts.ReadFile
	}
	if opts != nil && opts.LookupEnv != nil {
		c.lookupEnv = opts.LookupEnv
	}
	c.readLater = readLater(script)
	base := filepath.Base(filename)
	c.plan = &Plan{File: filename, JobName: strings.TrimSuffix(base, filepath.Ext(base)), SQL: string(script.Src)}
	metrics := c.metricBlocks(script) // metrics.go
	for i, st := range script.Statements {
		n := len(c.plan.Queries)
		switch st := st.(type) {
		case *grammar.CreateSource:
			c.createSource(st)
		case *grammar.CreateAs:
			c.statement(st, st.Query, st.Name, st.Kind, nil, false)
		case *grammar.SelectStmt:
			c.statement(st, st.Query, st.Query.Into, grammar.Stream, nil, false)
		case *grammar.Insert:
			c.statement(st, st.Query, st.Name, grammar.Stream, st.With, true)
		case *grammar.Unsupported:
			c.errorf(CodeUnsupported, st.Span(), "%s statements are not supported; velocc supports CREATE STREAM/TABLE with a schema, CREATE STREAM/TABLE ... AS SELECT, SELECT and INSERT INTO ... SELECT", st.Verb)
		}
		c.metrics(metrics[i], st, n)
	}
	if !r.diagsHaveErrors() {
		c.loadWaves()      // ctas.go
		c.checkGraph()     // graph.go
		c.checkGuarantee() // jobprops.go
	}
	if len(c.plan.Queries) == 0 && !r.diagsHaveErrors() {
		at := grammar.Pos{File: filename, Line: 1, Col: 1}
		if n := len(script.Statements); n > 0 {
			at = script.Statements[n-1].Span().Start
		}
		c.errorf(CodeNoStatements, grammar.Span{Start: at, End: at}, "the script has no query: add a SELECT or a CREATE STREAM ... AS SELECT")
	}
	ds := r.result()
	if ds.HasErrors() {
		return nil, ds
	}
	lower(c.plan)
	return c.plan, ds
}

func (r *reporter) diagsHaveErrors() bool { return r.diags.HasErrors() }

// loc captures the SQL text of a span.
func (c *checker) loc(sp grammar.Span) Loc {
	l := Loc{File: sp.Start.File, Line: sp.Start.Line, Col: sp.Start.Col}
	if sql := c.plan.SQL; sp.Start.Offset >= 0 && sp.End.Offset <= len(sql) && sp.Start.Offset < sp.End.Offset {
		// Text is a substring of the script, not a copy, so that the locations of nested expressions cost
		// memory linear in the script's size.
		text := sql[sp.Start.Offset:sp.End.Offset]
		trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
		l.Off = sp.Start.Offset + len(text) - len(trimmed)
		l.Text = strings.TrimRightFunc(trimmed, unicode.IsSpace)
		l.End = l.Off + len(l.Text)
	}
	return l
}

// goName turns a SQL name into an identifier fragment: orders → Orders, event_time → EventTime.
func goName(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r == '_' || r == '.' || r == ' ' || r == '-':
			up = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if r > unicode.MaxASCII {
				b.WriteString("X" + strconv.Itoa(int(r)))
				up = true
				continue
			}
			if up {
				r = unicode.ToUpper(r)
				up = false
			}
			b.WriteRune(r)
		default:
			up = true
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "X" + s
	}
	return s
}

// uniqueGoName makes GoNames unique within one scope by suffixing repeats. A suffixed name can itself be taken
// (a_b, a__b and a_b2 all want AB2 at some point), so it tries suffixes until one is free.
// reservedGoNames are the Go names a source or query may not take, because generated code names its locals with
// their lower-case forms (setup's record r, context c, raw record raw, ...) or imports rt: a query named r becomes
// R2.
func reservedGoNames() map[string]int {
	m := map[string]int{}
	for _, n := range []string{"C", "R", "Raw", "Err", "Late", "K", "Vs", "Scratch", "Rt", "Q", "D", "Ok", "S", "W", "Main", "Job", "Setup", "Lock"} {
		m[n] = 1
	}
	return m
}

func uniqueGoName(seen map[string]int, name string) string {
	g := goName(name)
	out := g
	for n := 2; seen[out] > 0; n++ {
		out = g + strconv.Itoa(n)
	}
	seen[out]++
	return out
}

// prop is a property value with where it came from.
type prop struct {
	key, value string
	keySpan    grammar.Span
	span       grammar.Span
	used       bool
}

// props is a set of properties for one source or sink, from WITH clauses and config files.
type props map[string]*prop

func (ps props) get(key string) (*prop, bool) {
	p, ok := ps[key]
	if ok {
		p.used = true
	}
	return p, ok
}

func (ps props) str(key string, def string) string {
	if p, ok := ps.get(key); ok {
		return p.value
	}
	return def
}

// withProps turns WITH entries into props; prefix, when set, keeps only "prefix.key" entries with it stripped.
func withProps(entries []*grammar.Prop) props {
	ps := props{}
	for _, e := range entries {
		ps[strings.ToLower(e.Key)] = &prop{key: e.Key, value: e.Value, keySpan: e.Span(), span: e.ValueSpan}
	}
	return ps
}

// loadConfigInto reads 'config_file' (if present) and adds its properties under those already set. ok is false
// when the file could not be loaded (the error is reported), so callers can suppress follow-on errors about
// settings the file would have given.
func (c *checker) loadConfigInto(ps props) (cfg *configFile, ok bool) {
	p, has := ps.get("config_file")
	if !has {
		return nil, true
	}
	path := p.value
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.dir, path)
	}
	read := func(name string) ([]byte, error) {
		b, err := c.readFile(name)
		if err == nil {
			c.files[name] = b
		}
		return b, err
	}
	cfg, err := loadConfig(path, read, c.lookupEnv)
	if err != nil {
		var ce *configError
		var pe *fs.PathError
		switch {
		case errors.As(err, &ce) && ce.Line > 0 && c.files[ce.File] != nil:
			at := grammar.Pos{File: ce.File, Line: ce.Line, Col: max(ce.Col, 1)}
			c.errorf(CodeConfig, grammar.Span{Start: at, End: at}, "%s", ce.Msg)
		case ce != nil && ce.File == path:
			// No position inside the file (an empty file, say): report at the property that names it.
			c.errorf(CodeConfig, p.span, "config file %q: %s", p.value, ce.Msg)
		case ce != nil:
			c.errorf(CodeConfig, p.span, "config file %q: %s: %s", p.value, ce.File, ce.Msg)
		case errors.As(err, &pe):
			c.errorf(CodeConfig, p.span, "cannot read config file %q: %v", p.value, pe.Err)
		default:
			c.errorf(CodeConfig, p.span, "cannot read config file %q: %v", p.value, err)
		}
		return nil, false
	}
	for k, v := range cfg.Props {
		k = strings.ToLower(k)
		if _, exists := ps[k]; exists || k == "extends" {
			continue
		}
		at := grammar.Pos{File: v.File, Line: v.Line, Col: v.Col}
		end := at
		end.Col += len([]rune(v.Value))
		ps[k] = &prop{key: k, value: v.Value, keySpan: grammar.Span{Start: at, End: at}, span: grammar.Span{Start: at, End: end}}
	}
	return cfg, true
}

// warnUnused reports properties nobody consumed: unknown keys are a warning, not silence.
func (c *checker) warnUnused(ps props, what string, known []string) {
	keys := make([]string, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := ps[k]
		if p.used || strings.HasPrefix(k, "datasource.") || strings.HasPrefix(k, "datasink.") || strings.HasPrefix(k, "performance_profile") || strings.HasPrefix(k, "schema.") || k == "extends" {
			continue
		}
		c.warnf(CodeUnknownProperty, p.keySpan, "unknown property %q for %s is ignored; known: %s", p.key, what, strings.Join(known, ", "))
	}
}

var sourceKeys = []string{"type", "path", "topic", "format", "config_file", "event.time.field", "event.time.format",
	"watermark.max_out_of_orderness", "on.error", "dead_letter.path", "dead.letter.topic", "delimiter", "key.field", "value.schema.file",
	"proto.file", "proto.message", "max.line.bytes", "idle.timeout"}

var sinkKeys = []string{"type", "path", "topic", "format", "config_file", "timestamp.format", "key.field", "value.schema.file",
	"proto.file", "proto.message"}

func (c *checker) createSource(st *grammar.CreateSource) {
	name := st.Name.Name
	key := strings.ToLower(name)
	if _, dup := c.sources[key]; dup {
		c.errorf(CodeDuplicate, st.Name.Span(), "source %q is declared twice", name)
		return
	}
	src := &Source{Name: name, GoName: uniqueGoName(c.goNames, name), IsTable: st.Kind == grammar.Table, Loc: c.loc(st.Span())}
	seen := map[string]bool{}
	goNames := map[string]int{}
	for _, col := range st.Columns {
		t, msg := typeOf(col.Type)
		if msg != "" {
			c.errorf(CodeBadType, col.Type.Span(), "%s", msg)
			t = TInvalid
		}
		lower := strings.ToLower(col.Name.Name)
		if seen[lower] {
			c.errorf(CodeDuplicate, col.Name.Span(), "column %q is declared twice", col.Name.Name)
			continue
		}
		seen[lower] = true
		f := &Field{Name: col.Name.Name, GoName: uniqueGoName(goNames, col.Name.Name), Index: len(src.Fields), Type: t, Nullable: !col.NotNull && !col.PrimaryKey}
		src.Fields = append(src.Fields, f)
		if col.PrimaryKey {
			c.scalarKey(f, col.Name.Span())
			src.PrimaryKey = append(src.PrimaryKey, f)
		}
	}
	for _, id := range st.PrimaryKey {
		f := src.field(id.Name)
		if f == nil {
			c.errorf(CodeUnknownColumn, id.Span(), "PRIMARY KEY column %q is not a column of %q", id.Name, name)
			continue
		}
		c.scalarKey(f, id.Span())
		f.Nullable = false
		src.PrimaryKey = append(src.PrimaryKey, f)
	}
	if src.IsTable && len(src.PrimaryKey) == 0 {
		c.errorf(CodeBadProperty, st.Name.Span(), "table %q needs a PRIMARY KEY", name)
	}
	ps := withProps(st.With)
	c.configureSource(src, ps, st.Name.Span())
	known := sourceKeys
	if src.IsTable {
		c.tableWaits(src, ps) // join.go
		known = append(known[:len(known):len(known)], tableKeys...)
	}
	c.warnUnused(ps, "source "+strconvQuote(name), knownKeys(known, src.Type, false))
	c.sources[key] = src
	c.plan.Sources = append(c.plan.Sources, src)
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// maxLineLimit bounds a file source's 'max.line.bytes': a job holds a line up to the limit in memory whole.
const maxLineLimit = 1 << 30

// maxLineBytes reads a file source's 'max.line.bytes', the longest line it reads (rt's default is 64 MiB), into
// the options the job passes to rt.
func (c *checker) maxLineBytes(src *Source, ps props) {
	p, ok := ps.get("max.line.bytes")
	if !ok {
		return
	}
	if src.Type == "kafka_source" {
		c.warnf(CodeUnknownProperty, p.keySpan, "max.line.bytes is ignored: it bounds the lines of a file source; a kafka source reads whole messages")
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(p.value))
	if err != nil || n < 1 || n > maxLineLimit {
		c.errorf(CodeBadProperty, p.span, "max.line.bytes must be a whole number of bytes from 1 to %d (1 GiB), got %q", maxLineLimit, p.value)
		return
	}
	if src.Options == nil {
		src.Options = map[string]string{}
	}
	src.Options["max.line.bytes"] = strconv.Itoa(n)
}

// deadLetterTopic reads 'dead.letter.topic': the source's dead letters go to that Kafka topic, "kafka:TOPIC" in
// src.DeadLetter, instead of a file, written by a producer whose settings are a sink's, prefixed
// ('dead.letter.topic.create', 'dead.letter.retry.initial.delay', ...), passed on in the source's options.
func (c *checker) deadLetterTopic(src *Source, ps props) {
	p, ok := ps.get("dead.letter.topic")
	if !ok {
		return
	}
	if path, both := ps["dead_letter.path"]; both {
		c.errorf(CodeBadProperty, p.keySpan, "source %q has both 'dead_letter.path' (%q) and 'dead.letter.topic': its dead letters go to a file or to a topic; remove one", src.Name, path.value)
		return
	}
	if msg := topicName(p.value); msg != "" {
		c.errorf(CodeBadProperty, p.span, "dead.letter.topic: %s", msg)
		return
	}
	src.DeadLetter = "kafka:" + p.value
	keys := make([]string, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, "dead.letter.")
		if !ok || name == "topic" {
			continue
		}
		q, _ := ps.get(k)
		v := strings.TrimSpace(q.value)
		switch st, known := kafkaSettings[name]; {
		case strings.HasPrefix(name, "headers.") && name != "headers.":
			v = q.value // a header of every dead letter, as a sink's 'headers.NAME'
		case !known || !st.sink:
			c.errorf(CodeBadProperty, q.keySpan, "unknown setting %q of the dead-letter topic; it takes a kafka sink's settings, prefixed with 'dead.letter.': %s", q.key, strings.Join(knownKeys(nil, "kafka_sink", true), ", "))
			continue
		default:
			if msg := st.check(v); msg != "" {
				c.errorf(CodeBadProperty, q.span, "%s: %s", q.key, msg)
				continue
			}
		}
		if src.Options == nil {
			src.Options = map[string]string{}
		}
		src.Options[k] = v
	}
}

// field finds a column by name, declared or metadata (Kafka's _key, ...).
func (s *Source) field(name string) *Field {
	for _, f := range s.Fields {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	for _, f := range s.Meta {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// configureSource applies a source's properties (WITH and config file) to it.
func (c *checker) configureSource(src *Source, ps props, at grammar.Span) {
	cfg, cfgOK := c.loadConfigInto(ps)
	if !cfgOK {
		// The file's error is reported; whatever it would have set (schema, path) is unknown, not missing.
		c.broken[src] = true
	}
	if cfg != nil && len(cfg.Fields) > 0 {
		if len(src.Fields) > 0 {
			c.warnf(CodeBadProperty, at, "source %q has both a column list and schema.fields in its config file; the column list is used", src.Name)
		} else {
			c.schemaFromConfig(src, cfg)
		}
	}
	c.avroSourceSchema(src, ps, at)
	c.protoSourceSchema(src, ps, at)
	if len(src.Fields) == 0 && !c.broken[src] {
		c.errorf(CodeBadProperty, at, "source %q has no schema: declare its columns in CREATE STREAM %s (...) or give schema.fields in its config_file", src.Name, src.Name)
	}
	typ := "file_source"
	tp, hasType := ps.get("type")
	if hasType {
		typ = strings.ToLower(tp.value)
	}
	switch typ {
	case "file_source", "file":
		src.Type = "file_source"
	case "kafka_source", "kafka":
		src.Type = "kafka_source"
		c.configureKafkaSource(src, ps)
	default:
		sp := at
		if hasType {
			sp = tp.span
		}
		c.errorf(CodeBadProperty, sp, "unknown source type %q; supported: file_source, kafka_source", typ)
	}
	if src.Type == "kafka_source" {
		if p, ok := ps.get("path"); ok {
			c.errorf(CodeBadProperty, p.keySpan, "a kafka source reads a topic, not a file: use 'topic' instead of 'path'")
		}
	} else if p, ok := ps.get("path"); ok {
		src.URI = "file:" + p.value
	} else if (typ == "file_source" || typ == "file") && cfgOK {
		c.errorf(CodeBadProperty, at, "file source %q has no 'path'", src.Name)
	}
	src.Format = c.format(ps)
	src.Delimiter = ','
	if p, ok := ps.get("delimiter"); ok {
		if len(p.value) != 1 {
			c.errorf(CodeBadProperty, p.span, "delimiter must be a single character, got %q", p.value)
		} else {
			src.Delimiter = p.value[0]
		}
	}
	c.maxLineBytes(src, ps)
	src.OnError = "fail"
	if p, ok := ps.get("on.error"); ok {
		switch v := strings.ToLower(p.value); v {
		case "fail", "skip", "dead_letter":
			src.OnError = v
		default:
			c.errorf(CodeBadProperty, p.span, "unknown on.error policy %q; supported: fail, skip, dead_letter", p.value)
		}
	}
	if p, ok := ps.get("dead_letter.path"); ok {
		src.DeadLetter = p.value
	}
	c.deadLetterTopic(src, ps)
	if src.DeadLetter == "" && src.OnError == "dead_letter" {
		src.DeadLetter = src.Name + ".dead_letter.jsonl"
	}
	c.sourceKey(src, ps, at)
	timeFormat := ""
	if p, ok := ps.get("event.time.format"); ok {
		switch v := strings.ToLower(p.value); v {
		case "epoch_millis", "epoch_seconds", "iso8601":
			timeFormat = v
		default:
			c.errorf(CodeBadProperty, p.span, "unknown event.time.format %q; supported: epoch_millis, epoch_seconds, iso8601", p.value)
		}
	}
	if p, ok := ps.get("event.time.field"); ok {
		f := src.field(p.value)
		switch {
		case f == nil && len(src.Fields) > 0:
			c.errorf(CodeUnknownColumn, p.span, "event.time.field %q is not a column of %q%s", p.value, src.Name, suggest(p.value, fieldNames(src.Fields)))
		case f != nil && f.Type.Kind != Timestamp && f.Type.Kind != BigInt:
			c.errorf(CodeWindow, p.span, "event.time.field %q must be TIMESTAMP or BIGINT (epoch milliseconds), not %s", p.value, f.Type)
		case f != nil:
			src.EventTime = f
			if timeFormat != "" {
				f.TimeFormat = timeFormat
			}
		}
	}
	if p, ok := ps.get("watermark.max_out_of_orderness"); ok {
		ms, err := parseDuration(p.value)
		if err != "" {
			c.errorf(CodeBadProperty, p.span, "watermark.max_out_of_orderness: %s", err)
		}
		src.MaxOutOfOrder = ms
	}
	if p, ok := ps.get("idle.timeout"); ok {
		ms, err := parseDuration(p.value)
		if err == "" && ms <= 0 {
			err = "want a positive duration such as 30s"
		}
		if err != "" {
			c.errorf(CodeBadProperty, p.span, "idle.timeout: %s", err)
		}
		src.IdleTimeout = ms
	}
	if len(src.Fields) == 0 {
		c.broken[src] = true // queries over it would only repeat that it has no columns
	}
	for _, f := range src.Fields {
		if f.Type.Kind == Timestamp && f.TimeFormat == "" {
			f.TimeFormat = "epoch_millis"
		}
	}
	if src.Avro != nil {
		c.avroSource(src, ps, at)
	}
	if src.Proto != nil {
		c.protoSource(src, ps, at)
	}
	c.sourceFraming(src, ps, at)
}

func fieldNames(fs []*Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// schemaFromConfig builds a source's fields from a config file's schema.fields.
func (c *checker) schemaFromConfig(src *Source, cfg *configFile) {
	goNames := map[string]int{}
	seen := map[string]bool{}
	for _, cf := range cfg.Fields {
		at := grammar.Pos{File: cf.File, Line: cf.Line, Col: cf.Col}
		sp := grammar.Span{Start: at, End: at}
		var args []string
		if cf.Precision > 0 {
			args = []string{strconv.Itoa(cf.Precision), strconv.Itoa(cf.Scale)}
		} else if cf.Scale > 0 {
			c.errorf(CodeBadType, sp, "schema field %q has a scale but no precision; give both, e.g. precision: 12, scale: 4", cf.Name)
		}
		name := strings.ToUpper(cf.Type)
		switch name {
		case "INTEGER":
			name = "INT"
		case "LONG", "INT64":
			name = "BIGINT"
		case "FLOAT", "FLOAT64":
			name = "DOUBLE"
		case "STRING", "TEXT":
			name = "VARCHAR"
		case "BOOL":
			name = "BOOLEAN"
		}
		t, msg := parseTypeName(name, args)
		if strings.ContainsAny(name, "(<[") && len(args) == 0 {
			// A nested type, written as in DDL: STRUCT(a INT), INT[], MAP(VARCHAR, BIGINT).
			if tn, err := grammar.ParseType(cf.Type); err != nil {
				msg = err.Error()
			} else {
				t, msg = typeOf(tn)
			}
		}
		if msg != "" {
			c.errorf(CodeBadType, sp, "schema field %q: %s", cf.Name, msg)
		}
		if seen[strings.ToLower(cf.Name)] {
			c.errorf(CodeDuplicate, sp, "schema field %q is declared twice", cf.Name)
			continue
		}
		seen[strings.ToLower(cf.Name)] = true
		f := &Field{Name: cf.Name, GoName: uniqueGoName(goNames, cf.Name), Index: len(src.Fields), Type: t, Nullable: cf.Nullable}
		if cf.Format != "" {
			switch v := strings.ToLower(cf.Format); v {
			case "epoch_millis", "epoch_seconds", "iso8601":
				f.TimeFormat = v
			default:
				c.errorf(CodeBadProperty, sp, "schema field %q: unknown timestamp format %q; supported: epoch_millis, epoch_seconds, iso8601", cf.Name, cf.Format)
			}
		}
		src.Fields = append(src.Fields, f)
	}
}

// configureSink applies a sink's properties; ok is false when the query has no usable sink.
func (c *checker) configureSink(sink *Sink, ps props, at grammar.Span) bool {
	if _, ok := c.loadConfigInto(ps); !ok {
		return false
	}
	tp, hasType := ps.get("type")
	typ := ""
	if hasType {
		typ = strings.ToLower(tp.value)
	}
	path, hasPath := ps.get("path")
	if typ == "" && hasPath {
		typ = "file_sink"
	}
	switch typ {
	case "":
		c.errorf(CodeMissingSink, at, "stream %q has no sink: add WITH ('%s.type' = 'file_sink', '%s.path' = 'out.jsonl') or ('%s.type' = 'stdout')", sink.Name, sink.Name, sink.Name, sink.Name)
		return false
	case "file_sink", "file":
		sink.Type = "file_sink"
		if !hasPath {
			c.errorf(CodeMissingSink, tp.span, "file sink %q has no '%s.path'", sink.Name, sink.Name)
			return false
		}
		sink.URI = "file:" + path.value
	case "stdout":
		sink.Type = "stdout"
		sink.URI = "stdout:"
	case "none":
		sink.Type = "none"
		sink.URI = "none:"
	case "kafka_sink", "kafka":
		sink.Type = "kafka_sink"
		if hasPath {
			c.errorf(CodeBadProperty, path.keySpan, "a kafka sink writes a topic, not a file: use '%s.topic' instead of '%s.path'", sink.Name, sink.Name)
		}
		c.configureKafkaSink(sink, ps)
	default:
		c.errorf(CodeBadProperty, tp.span, "unknown sink type %q; supported: file_sink, stdout, kafka_sink", typ)
		return false
	}
	sink.Format = c.format(ps)
	sink.TimeFormat = "epoch_millis"
	if p, ok := ps.get("timestamp.format"); ok {
		switch v := strings.ToLower(p.value); v {
		case "epoch_millis", "rfc3339":
			sink.TimeFormat = v
		default:
			c.errorf(CodeBadProperty, p.span, "unknown timestamp.format %q; supported: epoch_millis, rfc3339", p.value)
		}
	}
	c.avroSink(sink, ps, at)
	c.protoSink(sink, ps, at)
	c.sinkFraming(sink, ps, at)
	return true
}

// format reads the 'format' property shared by sources and sinks (for Kafka, Velostream's 'value.serializer' too):
// "jsonl", "csv", "avro", "protobuf", or "" (from the file extension).
func (c *checker) format(ps props) string {
	p, ok := ps.get("format")
	if !ok {
		if p = serializerProp(ps); p == nil {
			return ""
		}
	}
	switch strings.ToLower(p.value) {
	case "jsonl", "json", "json_lines", "ndjson":
		return "jsonl"
	case "csv":
		return "csv"
	case "avro":
		return "avro"
	case "protobuf", "proto":
		return "protobuf"
	}
	c.errorf(CodeBadProperty, p.span, "unknown format %q; supported: jsonl, csv, avro, protobuf", p.value)
	return ""
}

// parseDuration reads "250", "250ms", "5s", "1m", "2h", "1d" into milliseconds.
func parseDuration(s string) (int64, string) {
	s = strings.TrimSpace(strings.ToLower(s))
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, "expected a duration such as 500ms, 5s, 1m, 2h or 1d, got " + strconv.Quote(s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, "duration out of range: " + strconv.Quote(s)
	}
	unit := strings.TrimSpace(s[i:])
	mult := map[string]int64{"": 1, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}[unit]
	if mult == 0 {
		return 0, "unknown duration unit " + strconv.Quote(unit) + "; supported: ms, s, m, h, d"
	}
	return n * mult, ""
}

// suggest returns `; did you mean "x"?` for the closest name, or "".
func suggest(name string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(name), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + strconv.Quote(best) + "?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
