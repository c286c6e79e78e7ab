// Explain renders the typed plan for `velocc explain`.
package compiler

import (
	"fmt"
	"sort"
	"strings"
)

// Explain describes a plan: every source with its schema, and every query with its output columns and types,
// keys, window, accumulators (the state kept per group), emit mode and sink.
func Explain(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "job %s (%s)\n", p.JobName, p.File)
	if p.Guarantee != "" {
		fmt.Fprintf(&b, "guarantee: %s (Kafka transactions: rows, state and offsets committed together)\n", p.Guarantee)
	}
	for _, s := range p.Sources {
		def := "(format from extension)"
		if s.Type == "kafka_source" {
			def = "jsonl"
		}
		fmt.Fprintf(&b, "\nsource %s: %s %s", s.Name, s.URI, formatOr(s.Format, def))
		if s.OnError != "fail" {
			fmt.Fprintf(&b, " on.error=%s", s.OnError)
		}
		b.WriteString("\n")
		for _, f := range s.Fields {
			null := ""
			if !f.Nullable {
				null = " NOT NULL"
			}
			fmt.Fprintf(&b, "  %-20s %s%s\n", f.Name, f.Type, null)
		}
		for _, f := range s.Meta {
			fmt.Fprintf(&b, "  %-20s %s (record metadata)\n", f.Name, f.Type)
		}
		if s.KeyField != nil {
			fmt.Fprintf(&b, "  message key: %s\n", s.KeyField.Name)
		}
		if s.KeyObject {
			var key []string
			for _, f := range s.PrimaryKey {
				key = append(key, f.Name)
			}
			fmt.Fprintf(&b, "  message key: a JSON object of %s\n", strings.Join(key, ", "))
		}
		if s.Avro != nil {
			fmt.Fprintf(&b, "  avro schema: %s (%s)\n", s.Avro.File, s.Avro.Record.Name)
		}
		if s.Proto != nil {
			fmt.Fprintf(&b, "  protobuf message: %s (%s)\n", s.Proto.File, s.Proto.Message)
		}
		writeOptions(&b, s.Options)
		if s.EventTime != nil {
			fmt.Fprintf(&b, "  event time: %s, watermark = max seen - %dms\n", s.EventTime.Name, s.MaxOutOfOrder)
		}
		if s.IsTable {
			var key []string
			for _, f := range s.PrimaryKey {
				key = append(key, f.Name)
			}
			per := rowBytes(s)
			fmt.Fprintf(&b, "  table: primary key (%s); a later row replaces its key's row; about %d B per row plus its text (1,000,000 rows: about %d MB)\n",
				strings.Join(key, ", "), per, per*1_000_000>>20)
			if s.VersionTime != nil {
				kept := "every version is kept (a query joins it AS OF at a time other than its stream's event time, or holds records)"
				if p.DropsVersions(s) {
					kept = "per key, the latest version at or before the joining queries' watermarks and those after it are kept"
				}
				fmt.Fprintf(&b, "  versions: every row is a version, by %s, for FOR SYSTEM_TIME AS OF; %s\n", ExprString(s.VersionTime), kept)
			}
			if s.Type == "kafka_source" {
				b.WriteString("  read whole by every instance: every partition from the earliest offset, no consumer group; tombstones delete\n")
			}
		}
	}
	if waves := loadWaves(p); len(waves) > 0 {
		b.WriteString("\ntables load before any stream record is read:\n")
		for i, w := range waves {
			fmt.Fprintf(&b, "  wave %d (in parallel): %s\n", i+1, strings.Join(w, ", "))
		}
	}
	writeGraph(&b, p) // graph.go
	for _, q := range p.Queries {
		part := ""
		if q.Part > 0 {
			part = fmt.Sprintf(", query %d of a UNION ALL", q.Part)
		}
		fmt.Fprintf(&b, "\nquery %s (%s:%d%s) reads %s, writes %s\n", q.Name, q.Loc.File, q.Loc.Line, part, strings.Join(sourceNames(Inputs(q)), " and "), q.Sink.URI)
		for _, j := range q.Joins {
			fmt.Fprintf(&b, "  join %d: %s\n", j.Index, joinText(j))
		}
		for _, j := range q.SubTables {
			fmt.Fprintf(&b, "  subquery: %s\n", lookupText(j))
		}
		if q.Where != nil {
			fmt.Fprintf(&b, "  where:   %s\n", ExprString(q.Where))
		}
		if q.Grouped {
			keys := make([]string, len(q.Keys))
			for i, k := range q.Keys {
				keys[i] = fmt.Sprintf("%s %s", ExprString(k.Expr), k.Expr.Type())
			}
			if len(keys) == 0 {
				keys = []string{"(one group)"}
			}
			fmt.Fprintf(&b, "  group by: %s\n", strings.Join(keys, ", "))
			if q.Window != nil {
				fmt.Fprintf(&b, "  window:  %s\n", windowText(q.Window))
			}
			if q.TTL > 0 {
				fmt.Fprintf(&b, "  state.ttl: %dms after a row was last seen (%s), by the watermark\n", q.TTL, ExprString(q.TTLTime))
			}
			fmt.Fprintf(&b, "  state per group: %d accumulator(s)\n", len(q.Aggs))
			for _, a := range q.Aggs {
				fmt.Fprintf(&b, "    $%d = %s -> %s\n", a.Index, aggString(a), a.Type)
			}
			if q.Having != nil {
				fmt.Fprintf(&b, "  having:  %s\n", ExprString(q.Having))
			}
			fmt.Fprintf(&b, "  emit:    %s\n", q.Emit)
			if q.Changelog {
				prefix := q.Source.Options["changelog.topic.prefix"]
				if prefix == "" {
					prefix = "<group>-"
				}
				fmt.Fprintf(&b, "  state kept in: changelog topic %s%s-changelog, restored on start and rebalance\n", prefix, q.Name)
			}
		}
		b.WriteString("  output:\n")
		for _, col := range q.Columns {
			fmt.Fprintf(&b, "    %-20s %-16s = %s\n", col.Name, col.Type, ExprString(col.Expr))
		}
		if text := orderText(q); text != "" {
			fmt.Fprintf(&b, "  %s\n", text)
		}
		for _, m := range q.Metrics {
			fmt.Fprintf(&b, "  metric %s: %s", m.Name, m.Kind)
			if m.Field != nil {
				fmt.Fprintf(&b, " of %s", m.Field.Name)
			}
			if len(m.Labels) > 0 {
				names := make([]string, len(m.Labels))
				for i, l := range m.Labels {
					names[i] = l.Name
				}
				fmt.Fprintf(&b, " by %s", strings.Join(names, ", "))
			}
			if m.Cond != nil {
				fmt.Fprintf(&b, " where %s", ExprString(m.Cond))
			}
			b.WriteString("\n")
		}
		if k := q.Sink; k.Type == "kafka_sink" {
			switch {
			case len(k.Key) == 1:
				fmt.Fprintf(&b, "  message key: %s\n", k.Key[0])
			case len(k.Key) > 1:
				fmt.Fprintf(&b, "  message key: JSON object of %s\n", strings.Join(k.Key, ", "))
			default:
				b.WriteString("  message key: none\n")
			}
			writeOptions(&b, k.Options)
			if k.Avro != nil {
				file := k.Avro.File
				if file == "" {
					file = "derived from the output columns"
				}
				fmt.Fprintf(&b, "  avro schema (%s): %s\n", file, oneLineJSON(k.Avro.JSON))
			}
			if k.Proto != nil {
				file := k.Proto.File
				if file == "" {
					file = "derived from the output columns"
				}
				fmt.Fprintf(&b, "  protobuf message (%s): %s\n", file, k.Proto.Message)
			}
		}
	}
	return b.String()
}

// writeOptions lists the settings a source or sink passes to rt (Kafka's, a file's max.line.bytes), sorted.
func writeOptions(b *strings.Builder, opts map[string]string) {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "  setting: %s = %s\n", k, opts[k])
	}
}

func formatOr(f, def string) string {
	if f == "" {
		return def
	}
	return f
}

func aggString(a *Agg) string {
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	if a.Arg == nil {
		return a.Name + "(*)"
	}
	if a.Call != "" {
		return a.Call
	}
	if a.Arg2 != nil {
		return a.Name + "(" + d + ExprString(a.Arg) + ", " + ExprString(a.Arg2) + ")"
	}
	return a.Name + "(" + d + ExprString(a.Arg) + ")"
}

// ExprString renders a plan expression in SQL-like form; casts inserted by the checker are shown.
func ExprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

// writeExpr writes ExprString(e) to b; one builder for the whole expression keeps long expressions linear.
func writeExpr(b *strings.Builder, e Expr) {
	list := func(xs []Expr) {
		for i, x := range xs {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, x)
		}
	}
	not := func(yes bool) {
		if yes {
			b.WriteString("NOT ")
		}
	}
	switch v := e.(type) {
	case *ColRef:
		if v.Join != nil {
			b.WriteString(v.Join.Alias + ".")
		}
		b.WriteString(v.Field.Name)
	case *Const:
		switch {
		case v.Null:
			b.WriteString("NULL")
		case v.T.Kind == Bool:
			b.WriteString(fmt.Sprint(v.Bool))
		case v.T.Kind == Int, v.T.Kind == BigInt, v.T.Kind == Timestamp, v.T.Kind == Interval, v.T.Kind == Date, v.T.Kind == Time:
			b.WriteString(fmt.Sprint(v.Int))
		case v.T.Kind == Double:
			b.WriteString(fmt.Sprint(v.Float))
		case v.T.Kind == Decimal:
			b.WriteString(decConstString(v))
		case v.T.Kind == Varchar:
			b.WriteString("'" + strings.ReplaceAll(v.Str, "'", "''") + "'")
		default:
			fmt.Fprintf(b, "%T", e)
		}
	case *Unary:
		if v.Op == OpNot {
			b.WriteString("NOT ")
		} else {
			b.WriteString("-")
		}
		writeExpr(b, v.X)
	case *Binary:
		b.WriteString("(")
		writeExpr(b, v.L)
		b.WriteString(" " + v.Op.String() + " ")
		writeExpr(b, v.R)
		b.WriteString(")")
	case *IsNull:
		writeExpr(b, v.X)
		b.WriteString(" IS ")
		not(v.Not)
		b.WriteString("NULL")
	case *In:
		writeExpr(b, v.X)
		b.WriteString(" ")
		not(v.Not)
		b.WriteString("IN (")
		list(v.List)
		b.WriteString(")")
	case *Like:
		writeExpr(b, v.X)
		b.WriteString(" ")
		not(v.Not)
		b.WriteString("LIKE ")
		writeExpr(b, v.Pattern)
	case *Case:
		b.WriteString("CASE")
		for _, w := range v.Whens {
			b.WriteString(" WHEN ")
			writeExpr(b, w.Cond)
			b.WriteString(" THEN ")
			writeExpr(b, w.Then)
		}
		b.WriteString(" ELSE ")
		writeExpr(b, v.Else)
		b.WriteString(" END")
	case *Cast:
		b.WriteString("CAST(")
		writeExpr(b, v.X)
		b.WriteString(" AS " + v.T.String() + ")")
	case *NestedCast:
		b.WriteString("CAST(")
		writeExpr(b, v.X)
		b.WriteString(" AS " + v.T.String() + ")")
	case *Func:
		switch {
		case v.Name == "EXTRACT":
			b.WriteString("EXTRACT(" + v.Part + " FROM ")
			writeExpr(b, v.Args[0])
			b.WriteString(")")
			return
		case v.Impl.Form == FormDistinct || v.Impl.Form == FormNotDistinct:
			b.WriteString("(")
			writeExpr(b, v.Args[0])
			b.WriteString(" " + v.Name + " ")
			writeExpr(b, v.Args[1])
			b.WriteString(")")
			return
		case v.Part != "": // DATE_TRUNC, DATE_DIFF
			b.WriteString(v.Name + "('" + v.Part + "', ")
			list(v.Args)
			b.WriteString(")")
			return
		}
		b.WriteString(v.Name + "(")
		list(v.Args)
		b.WriteString(")")
	case *Exact:
		writeExpr(b, v.X)
		b.WriteString(" (as " + v.T.String() + " if exact)")
	case *Sub:
		from := func() {
			b.WriteString(" FROM " + v.Join.Table.Name)
			if v.Join.Alias != v.Join.Table.Name {
				b.WriteString(" " + v.Join.Alias)
			}
			var conds []string
			for i, k := range v.Join.Key {
				if v.Kind == SubIn && k == v.X {
					continue
				}
				conds = append(conds, v.Join.Alias+"."+v.Join.Table.PrimaryKey[i].Name+" = "+ExprString(k))
			}
			if v.Join.On != nil {
				conds = append(conds, ExprString(v.Join.On))
			}
			if len(conds) > 0 {
				b.WriteString(" WHERE " + strings.Join(conds, " AND "))
			}
			b.WriteString(")")
		}
		switch v.Kind {
		case SubExists:
			not(v.Not)
			b.WriteString("EXISTS (SELECT 1")
		case SubIn:
			writeExpr(b, v.X)
			b.WriteString(" ")
			not(v.Not)
			b.WriteString("IN (SELECT ")
			writeExpr(b, v.Value)
		case SubScalar:
			b.WriteString("(SELECT ")
			writeExpr(b, v.Value)
		case SubAgg:
			b.WriteString("(SELECT " + v.Agg + "(")
			if v.Value == nil {
				b.WriteString("*")
			} else {
				writeExpr(b, v.Value)
			}
			b.WriteString(")")
		}
		from()
	case *WinRef:
		f := v.Fn
		b.WriteString(f.Name + "(")
		if f.Arg != nil {
			writeExpr(b, f.Arg)
		}
		b.WriteString(") OVER (...)")
	case *AggRef:
		fmt.Fprintf(b, "$%d", v.Agg.Index)
	case *KeyRef:
		writeExpr(b, v.Key.Expr)
	case *WindowBound:
		if v.End {
			b.WriteString("window_end")
		} else {
			b.WriteString("window_start")
		}
	case *FieldOf:
		writeExpr(b, v.X)
		b.WriteString("." + fieldName(v.X.Type().N.Fields[v.Index].Name))
	case *ElemOf:
		writeExpr(b, v.X)
		b.WriteString("[")
		writeExpr(b, v.Index)
		b.WriteString("]")
	case *Explode:
		b.WriteString("UNNEST(")
		writeExpr(b, v.Arg)
		b.WriteString(")")
	case *Construct:
		switch v.T.Kind {
		case Array:
			b.WriteString("[")
			list(v.Args)
			b.WriteString("]")
		case Struct:
			b.WriteString("{")
			for i, a := range v.Args {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(fieldName(v.T.N.Fields[i].Name) + ": ")
				writeExpr(b, a)
			}
			b.WriteString("}")
		default:
			b.WriteString("MAP {")
			for i := 0; i < len(v.Args); i += 2 {
				if i > 0 {
					b.WriteString(", ")
				}
				writeExpr(b, v.Args[i])
				b.WriteString(": ")
				writeExpr(b, v.Args[i+1])
			}
			b.WriteString("}")
		}
	default:
		fmt.Fprintf(b, "%T", e)
	}
}

func decConstString(v *Const) string {
	s := v.Dec.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if sc := int(v.T.Scale); sc > 0 {
		for len(s) <= sc {
			s = "0" + s
		}
		s = s[:len(s)-sc] + "." + s[len(s)-sc:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// oneLineJSON squeezes a schema onto one line for explain.
func oneLineJSON(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// joinText describes a join for explain: its kind and table, how a row is found, and what a record without one does.
func joinText(j *Join) string {
	if j.Stream {
		return streamJoinText(j) // interval.go
	}
	kind := "JOIN"
	if j.Left {
		kind = "LEFT JOIN"
	}
	t := kind + " " + j.Table.Name
	if j.Alias != j.Table.Name {
		t += " AS " + j.Alias
	}
	if j.AsOf != nil {
		t += " FOR SYSTEM_TIME AS OF " + ExprString(j.AsOf)
	}
	t += ": " + lookupText(j) + "; no match: " + j.Missing
	if j.Missing == "defaults" {
		var ds []string
		for _, f := range j.Table.Fields {
			if k := j.Defaults[f.Index]; k != nil {
				ds = append(ds, f.Name+" = "+ExprString(k))
			}
		}
		t += " (" + strings.Join(ds, ", ") + ", others NULL)"
	}
	return t
}

// lookupText says how a join or subquery finds its table's rows.
func lookupText(j *Join) string {
	var t string
	switch {
	case j.Key != nil:
		var parts []string
		for i, k := range j.Key {
			parts = append(parts, j.Table.PrimaryKey[i].Name+" = "+ExprString(k))
		}
		t = "key lookup in " + j.Table.Name + " (" + strings.Join(parts, ", ") + ")"
	case j.On == nil:
		t = "every row of " + j.Table.Name + " (cross)"
	default:
		t = "scan of " + j.Table.Name
	}
	if j.On != nil {
		t += ", then " + ExprString(j.On)
	}
	return t
}

// rowBytes estimates the memory of one table row without its text: the Go struct of its columns, its key, and the
// table's index entry.
func rowBytes(s *Source) int {
	size := func(t Type) int {
		switch t.Kind {
		case Bool:
			return 1
		case Int:
			return 4
		case Varchar:
			return 16
		case Decimal:
			return 16
		}
		return 8
	}
	n := 0
	for _, f := range s.Fields {
		n += size(f.Type)
		if f.Nullable {
			n++
		}
	}
	n = (n + 7) &^ 7
	for _, f := range s.PrimaryKey {
		n += size(f.Type)
	}
	return n + 16 // the index's entry and overhead
}
