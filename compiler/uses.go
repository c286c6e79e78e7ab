// Which parts of nested columns queries read, so that decoders skip the rest: a field of a STRUCT no query reads
// is not decoded (as a column no query reads is not), nor are the fields of an array's elements no query reads.
package compiler

// Use says which parts of a nested value queries read: all of it, or some of a STRUCT's fields (Fields, by index),
// or, of an ARRAY or MAP, what of its elements or values (Elem).
type Use struct {
	All    bool
	Fields map[int]*Use
	Elem   *Use
}

var useAll = &Use{All: true}

// merge returns the parts a or b reads (nil reads nothing).
func (a *Use) merge(b *Use) *Use {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.All || b.All:
		return useAll
	}
	m := &Use{Elem: a.Elem.merge(b.Elem)}
	for _, f := range []map[int]*Use{a.Fields, b.Fields} {
		for i, u := range f {
			if m.Fields == nil {
				m.Fields = map[int]*Use{}
			}
			m.Fields[i] = m.Fields[i].merge(u)
		}
	}
	return m
}

// markUses sets Field.Use of the nested columns of p's sources. Queries are visited readers first: a query that
// passes a nested column on to a stream only later queries read (a `none` sink) needs of it what they read.
func markUses(p *Plan) {
	acc := map[*Field]*Use{}
	var use func(e Expr, u *Use)
	use = func(e Expr, u *Use) {
		switch x := e.(type) {
		case nil:
		case *ColRef:
			acc[x.Field] = acc[x.Field].merge(u) // every column: a stream's tells what its writer must pass on
		case *FieldOf:
			use(x.X, &Use{Fields: map[int]*Use{x.Index: u}})
		case *ElemOf:
			use(x.X, &Use{Elem: u})
			use(x.Index, useAll)
		case *Explode:
			use(x.Arg, &Use{Elem: u})
		default:
			walkPlanExpr(e, func(c Expr) bool {
				if c == e {
					return true
				}
				use(c, useAll)
				return false
			})
		}
	}
	for i := len(p.Queries) - 1; i >= 0; i-- {
		q := p.Queries[i]
		s := p.Feeds(q)
		for j, c := range q.Columns {
			root := useAll
			if s != nil && q.Sink.Type == "none" {
				if root = acc[s.Fields[j]]; root == nil {
					continue // no later query reads the column
				}
			}
			use(c.Expr, root)
		}
		for _, x := range queryExprs(q) {
			use(x, useAll)
		}
	}
	for _, src := range p.Sources {
		for _, f := range src.Fields {
			if u := acc[f]; u != nil && !u.All {
				f.Use = u
			}
		}
	}
}

// FieldUse is what of a STRUCT's field i is read: nil for all of it (when u is nil or reads all).
func (u *Use) FieldUse(i int) *Use {
	if u == nil || u.All || u.Fields[i] == nil || u.Fields[i].All {
		return nil
	}
	return u.Fields[i]
}

// ElemUse is what of an ARRAY's elements or a MAP's values is read: nil for all of them.
func (u *Use) ElemUse() *Use {
	if u == nil || u.All || u.Elem == nil || u.Elem.All {
		return nil
	}
	return u.Elem
}
