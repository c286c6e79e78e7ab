// ORDER BY and LIMIT: the row struct of a query whose rows are collected per batch (rt.TopN), its comparator,
// and the method that writes a collected row.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

func topRowType(q *compiler.Query) string { return lowerFirst(q.GoName) + "Row" }
func topColField(i int) string            { return fmt.Sprintf("c%d", i) }
func topKeyField(i int) string            { return fmt.Sprintf("o%d", i) }

// topKafkaKey reports whether a collected row carries its group's key and window start, for a Kafka sink's key.
func topKafkaKey(q *compiler.Query) bool {
	return q.Sink.Type == "kafka_sink" && len(q.Sink.Key) > 0 && q.Sink.KeyColumn < 0
}

// topFields are q's query struct fields for ORDER BY and LIMIT.
func topFields(q *compiler.Query) []jen.Code {
	switch {
	case q.Batch:
		return []jen.Code{jen.Id("top").Op("*").Qual(rtPath, "TopN").Types(jen.Id(topRowType(q)))}
	case q.Limit > 0:
		return []jen.Code{jen.Id("written").Int64().Comment("rows written, up to LIMIT")}
	}
	return nil
}

// topSetup is what q's constructor does for ORDER BY and LIMIT.
func topSetup(q *compiler.Query) []jen.Code {
	if !q.Batch {
		return nil
	}
	rt := topRowType(q)
	less, own := jen.Code(jen.Nil()), jen.Code(jen.Nil())
	if len(q.Order) > 0 {
		less = jen.Parens(jen.Op("*").Id(rt)).Dot("less")
	}
	if topOwns(q) {
		own = jen.Parens(jen.Op("*").Id(rt)).Dot("own")
	}
	what := "the final rows"
	switch {
	case q.Window != nil:
		what = "each window's rows"
	case !q.Grouped:
		what = "the input's rows"
	}
	how := "sorted"
	if q.Limit > 0 && len(q.Order) > 0 {
		how = fmt.Sprintf("sorted, the first %d of them", q.Limit)
	} else if q.Limit > 0 {
		how = fmt.Sprintf("the first %d of them", q.Limit)
	}
	return []jen.Code{
		jen.Comment(commentf("ORDER BY / LIMIT: %s are collected and written %s", what, how)),
		jen.Id("q").Dot("top").Op("=").Qual(rtPath, "NewTopN").Call(jen.Lit(q.Limit), less, own, jen.Id("q").Dot("writeTop")),
	}
}

// topOwns reports whether q's row struct holds strings, which a kept row copies.
func topOwns(q *compiler.Query) bool {
	for _, c := range q.Columns {
		if c.Type.Kind == compiler.Varchar {
			return true
		}
	}
	for _, k := range q.Order {
		if k.Column < 0 && k.Expr.Type().Kind == compiler.Varchar {
			return true
		}
	}
	return topKafkaKey(q) && q.OwnsKeys
}

// genTopRow emits q's row struct, its comparator, the method that copies its strings and the one that writes it.
func (g *gen) genTopRow(q *compiler.Query) {
	rt := topRowType(q)
	var fields []structField
	var owns []jen.Code
	add := func(name string, t compiler.Type, comment string) {
		fields = append(fields, structField{name: name, kind: valueKind(t), comment: commentText(comment)},
			structField{name: name + "Null", kind: kindBool})
		if t.Kind == compiler.Varchar {
			owns = append(owns, jen.Id("r").Dot(name).Op("=").Qual(rtPath, "Own").Call(jen.Id("r").Dot(name)))
		}
	}
	for i, c := range q.Columns {
		add(topColField(i), c.Type, c.Name)
	}
	for i, k := range q.Order {
		if k.Column < 0 {
			add(topKeyField(i), k.Expr.Type(), "ORDER BY "+k.SQL)
		}
	}
	if topKafkaKey(q) {
		fields = append(fields, structField{name: "start", kind: kindInt64, comment: "the window start, for the message key"})
		g.f.Comment(commentf("%s is one row of %s kept for ORDER BY / LIMIT: its output columns, its sort keys and its group's key.", rt, q.Name))
		g.f.Type().Id(rt).Struct(append(structOf(fields), jen.Id("k").Id(keyType(q)).Comment("the group's key, for the message key"))...)
		if q.OwnsKeys {
			owns = append(owns, jen.Id("r").Dot("k").Dot("own").Call())
		}
	} else {
		g.f.Comment(commentf("%s is one row of %s kept for ORDER BY / LIMIT: its output columns and sort keys.", rt, q.Name))
		g.f.Type().Id(rt).Struct(structOf(fields)...)
	}
	g.f.Line()

	if len(q.Order) > 0 {
		g.genTopLess(q)
	}
	if len(owns) > 0 {
		g.f.Comment("own copies the strings of a row that is kept: they may view the record being read.")
		g.f.Func().Params(jen.Id("r").Op("*").Id(rt)).Id("own").Params().Block(owns...)
		g.f.Line()
	}

	// writeTop writes a kept row.
	var body []jen.Code
	f := &fn{g: g, body: &body, key: "k", q: q}
	if topKafkaKey(q) {
		f.emit(jen.List(jen.Id("k"), jen.Id("start")).Op(":=").List(jen.Op("&").Id("r").Dot("k"), jen.Id("r").Dot("start")))
	}
	vals := make([]val, len(q.Columns))
	for i := range q.Columns {
		vals[i] = val{v: jen.Id("r").Dot(topColField(i)), n: jen.Id("r").Dot(topColField(i) + "Null")}
	}
	g.writeVals(f, q, vals)
	g.f.Comment("writeTop writes a row kept for ORDER BY / LIMIT.")
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("writeTop").Params(jen.Id("r").Op("*").Id(rt)).Error().Block(body...)
	g.f.Line()
}

// genTopLess emits the comparator of q's ORDER BY.
func (g *gen) genTopLess(q *compiler.Query) {
	var body []jen.Code
	var sql []string
	for i, k := range q.Order {
		sql = append(sql, k.SQL)
		name, t := topKeyField(i), compiler.Type{}
		if k.Column >= 0 {
			name, t = topColField(k.Column), q.Columns[k.Column].Type
		} else {
			t = k.Expr.Type()
		}
		a, b := jen.Id("a").Dot(name), jen.Id("b").Dot(name)
		order := "ASC"
		if k.Desc {
			order = "DESC"
		}
		nulls := "NULLS LAST"
		if k.NullsFirst {
			nulls = "NULLS FIRST"
		}
		body = append(body, jen.Comment(commentText(fmt.Sprintf("%s: %s %s", k.SQL, order, nulls))))
		if t.Kind == compiler.Null {
			body = append(body, jen.Comment("always NULL: every row ties"))
			continue
		}
		var cmp jen.Code
		switch t.Kind {
		case compiler.Double:
			cmp = jen.Qual(rtPath, "CmpFloat").Call(a, b)
		case compiler.Decimal:
			cmp = jen.Add(a).Dot("Cmp").Call(b)
		case compiler.Bool:
			cmp = jen.Qual(rtPath, "CompareBool").Call(a, b)
		default:
			cmp = jen.Qual("cmp", "Compare").Call(a, b)
		}
		result := jen.Id("c").Op("<").Lit(0)
		if k.Desc {
			result = jen.Id("c").Op(">").Lit(0)
		}
		compare := jen.If(jen.Id("c").Op(":=").Add(cmp), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(result))
		if !k.Nullable {
			body = append(body, compare)
			continue
		}
		an, bn := jen.Id("a").Dot(name+"Null"), jen.Id("b").Dot(name+"Null")
		first := jen.Add(bn) // NULLS LAST: a comes first when b is the NULL one
		if k.NullsFirst {
			first = jen.Add(an)
		}
		body = append(body,
			jen.If(jen.Add(an).Op("!=").Add(bn)).Block(jen.Return(first)),
			jen.If(jen.Op("!").Add(an)).Block(compare))
	}
	body = append(body, jen.Return(jen.False()))
	g.f.Comment(commentf("less orders rows by ORDER BY %s.", strings.Join(sql, ", ")))
	g.f.Func().Params(jen.Id("a").Op("*").Id(topRowType(q))).Id("less").Params(jen.Id("b").Op("*").Id(topRowType(q))).Bool().Block(body...)
	g.f.Line()
}

// collectRow emits the statements that add q's output row and sort keys to the current batch (a window's start,
// or 0) and return.
func (g *gen) collectRow(f *fn, q *compiler.Query, batch jen.Code) {
	d := jen.Dict{}
	set := func(name string, v val) {
		d[jen.Id(name)] = v.v
		if !v.nonNull {
			d[jen.Id(name+"Null")] = v.n
		}
	}
	for i, c := range q.Columns {
		set(topColField(i), f.expr(c.Expr))
	}
	for i, k := range q.Order {
		if k.Column < 0 {
			set(topKeyField(i), f.expr(k.Expr))
		}
	}
	if topKafkaKey(q) {
		d[jen.Id("start")] = batch
		d[jen.Id("k")] = jen.Op("*").Id("k")
	}
	f.emit(jen.Comment("ORDER BY / LIMIT: the row waits for the end of its batch"),
		jen.Return(jen.Id("q").Dot("top").Dot("Add").Call(batch, jen.Id(topRowType(q)).Values(d))))
}

// limitRow emits the check that stops a query without aggregation after its LIMIT rows.
func limitRow(f *fn, q *compiler.Query) {
	f.emit(jen.Comment(commentf("LIMIT %d: the first rows only; the job keeps reading", q.Limit)),
		jen.If(jen.Id("q").Dot("written").Op(">=").Lit(q.Limit)).Block(jen.Return(jen.Nil())),
		jen.Id("q").Dot("written").Op("++"))
}

// endBatch wraps a call that emits rows (closing windows, the end of input) so that the batch it emitted is
// written when it returns.
func endBatch(q *compiler.Query, call jen.Code) jen.Code {
	if !q.Batch {
		return call
	}
	return jen.Id("q").Dot("top").Dot("EndBatch").Call(call)
}
