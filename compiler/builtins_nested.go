// Functions over nested values: ARRAY and MAP sizes, searches, keys and values, slices, sorting, joining, and the
// JSON text of any value. Names follow DuckDB's (list_*), ksqlDB's and Flink's spellings.
package compiler

import "fmt"

var (
	pArr = param{kinds: []Kind{Array}, what: "an ARRAY"}
	pMap = param{kinds: []Kind{Map}, what: "a MAP"}
)

var nestedBuiltins = []*builtin{
	{names: []string{"CARDINALITY"}, overloads: []overload{
		sig(TBigInt, rtCall("cardinality_array", "Len"), pArr),
		sig(TBigInt, rtCall("cardinality_map", "MapLen"), pMap),
	}},
	{names: []string{"ARRAY_LENGTH", "LEN", "LIST_LENGTH"}, overloads: []overload{sig(TBigInt, rtCall("array_length", "Len"), pArr)}},
	{names: []string{"ARRAY_CONTAINS", "LIST_CONTAINS", "LIST_HAS", "ARRAY_HAS"}, check: func(b *binder) Expr {
		return elementSearch(b, TBool, rtCall("array_contains", "Contains"))
	}},
	{names: []string{"ARRAY_POSITION", "LIST_POSITION", "LIST_INDEXOF"}, check: func(b *binder) Expr {
		return elementSearch(b, TBigInt, rtOrNull("array_position", "ArrayPosition"))
	}},
	{names: []string{"ELEMENT_AT"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) || !b.nestedArg(0, Array, Map) {
			return nil
		}
		return b.c.elemOf(b.args[0], b.args[1], b.argSpan(1), b.c.loc(b.argSpan(0)).Text)
	}},
	{names: []string{"STRUCT_EXTRACT"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) || !b.nestedArg(0, Struct) {
			return nil
		}
		name, ok := b.constStr(1, "field name")
		if !ok {
			return nil
		}
		t := b.args[0].Type()
		i := t.Field(name)
		if i < 0 {
			b.c.errorf(CodeUnknownColumn, b.argSpan(1), "%s has no field %q", t, name)
			return nil
		}
		return &FieldOf{X: b.args[0], Index: i}
	}},
	{names: []string{"MAP_KEYS"}, overloads: []overload{sigf(func(ts []Type) Type { return ArrayOf(ts[0].N.Key) }, rtCall("map_keys", "MapKeys"), pMap)}},
	{names: []string{"MAP_VALUES"}, overloads: []overload{sigf(func(ts []Type) Type { return ArrayOf(ts[0].N.Elem) }, rtCall("map_values", "MapValues"), pMap)}},
	{names: []string{"MAP_CONTAINS_KEY", "MAP_CONTAINS"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) || !b.nestedArg(0, Map) {
			return nil
		}
		k, ok := b.elementArg(1, b.args[0].Type().N.Key, "key")
		if !ok {
			return nil
		}
		return &Func{Name: b.canon, Args: []Expr{b.args[0], k}, Impl: ptr(rtCall("map_contains_key", "MapHas")), T: TBool, Loc: b.loc()}
	}},
	{names: []string{"ARRAY_SLICE", "LIST_SLICE"}, check: func(b *binder) Expr {
		if !b.nargs(3, 3) || !b.nestedArg(0, Array) {
			return nil
		}
		args := []Expr{b.args[0]}
		for i := 1; i < 3; i++ {
			if k := b.args[i].Type().Kind; k != Int && k != BigInt && k != Null {
				b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s's bounds are integers, not %s", b.name, b.args[i].Type())
				return nil
			}
			args = append(args, b.c.convert(b.args[i], TBigInt))
		}
		return &Func{Name: b.canon, Args: args, Impl: ptr(rtCall("array_slice", "Slice")), T: b.args[0].Type(), Loc: b.loc()}
	}},
	{names: []string{"ARRAY_CONCAT", "LIST_CONCAT", "LIST_CAT", "ARRAY_CAT"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) || !b.nestedArg(0, Array) || !b.nestedArg(1, Array) {
			return nil
		}
		if b.args[0].Type() != b.args[1].Type() {
			b.c.errorf(CodeTypeMismatch, b.v.Span(), "%s joins arrays of one type; these are %s and %s", b.name, b.args[0].Type(), b.args[1].Type())
			return nil
		}
		impl := Impl{ID: "array_concat", Form: FormNullAware, Func: "Concat"}
		return &Func{Name: b.canon, Args: b.args, Impl: &impl, T: b.args[0].Type(), Loc: b.loc()}
	}},
	{names: []string{"MAP", "MAP_FROM_ARRAYS"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) || !b.nestedArg(0, Array) || !b.nestedArg(1, Array) {
			return nil
		}
		kt := b.args[0].Type().N.Elem
		if k := kt.Kind; k != Varchar && k != Int && k != BigInt {
			b.c.errorf(CodeTypeMismatch, b.argSpan(0), "a MAP's keys are VARCHAR, INT or BIGINT, not %s", kt)
			return nil
		}
		return &Func{Name: b.canon, Args: b.args, Impl: ptr(rtOrError("map_from_arrays", "MapFromArrays")), T: MapOf(kt, b.args[1].Type().N.Elem), Loc: b.loc()}
	}},
	{names: []string{"ARRAY_SORT", "LIST_SORT"}, check: func(b *binder) Expr {
		if !b.nargs(1, 1) || !b.nestedArg(0, Array) {
			return nil
		}
		impl := rtCall("array_sort", "SortArray")
		switch b.args[0].Type().N.Elem.Kind {
		case Int, BigInt, Double, Varchar, Timestamp:
		case Decimal:
			impl = rtCall("array_sort_decimal", "SortDecimals")
		case Bool:
			impl = rtCall("array_sort_bool", "SortBools")
		default:
			b.c.errorf(CodeTypeMismatch, b.argSpan(0), "%s sorts arrays of numbers, strings, booleans or timestamps, not %s", b.name, b.args[0].Type())
			return nil
		}
		return &Func{Name: b.canon, Args: b.args, Impl: &impl, T: b.args[0].Type(), Loc: b.loc()}
	}},
	{names: []string{"ARRAY_DISTINCT", "LIST_DISTINCT"}, check: func(b *binder) Expr {
		if !b.nargs(1, 1) || !b.nestedArg(0, Array) || !b.scalarElements(0) {
			return nil
		}
		return &Func{Name: b.canon, Args: b.args, Impl: ptr(rtCall("array_distinct", "ArrayDistinct")), T: b.args[0].Type(), Loc: b.loc()}
	}},
	{names: []string{"ARRAY_JOIN", "ARRAY_TO_STRING", "LIST_TO_STRING"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) || !b.nestedArg(0, Array) {
			return nil
		}
		impl := rtOrNull("array_join", "JoinStrings")
		switch b.args[0].Type().N.Elem.Kind {
		case Varchar:
		case Int, BigInt:
			impl = rtOrNull("array_join_ints", "JoinInts")
		default:
			b.c.errorf(CodeTypeMismatch, b.argSpan(0), "%s joins arrays of strings or integers, not %s", b.name, b.args[0].Type())
			return nil
		}
		if b.args[1].Type().Kind != Varchar && b.args[1].Type().Kind != Null {
			b.c.errorf(CodeTypeMismatch, b.argSpan(1), "%s's separator is VARCHAR, not %s", b.name, b.args[1].Type())
			return nil
		}
		return &Func{Name: b.canon, Args: []Expr{b.args[0], b.c.convert(b.args[1], TVarchar)}, Impl: &impl, T: TVarchar, Loc: b.loc()}
	}},
	{names: []string{"ROW"}, check: func(b *binder) Expr {
		if !b.nargs(1, -1) {
			return nil
		}
		fields := make([]StructField, len(b.args))
		args := make([]Expr, len(b.args))
		for i, a := range b.args {
			if a.Type().Kind == Null {
				a = b.c.convert(a, TInt) // as a STRUCT's NULL field
			}
			fields[i], args[i] = StructField{Name: fmt.Sprintf("v%d", i+1), T: a.Type()}, a
		}
		return &Construct{Args: args, T: StructOf(fields), Loc: b.loc(), Positional: true}
	}},
	{names: []string{"TO_JSON"}, check: func(b *binder) Expr {
		if !b.nargs(1, 1) {
			return nil
		}
		if b.args[0].Type().Kind == Null {
			return &Const{T: TVarchar, Null: true}
		}
		return &Func{Name: b.canon, Args: b.args, Impl: &Impl{ID: "to_json", Form: FormToJSON}, T: TVarchar, Loc: b.loc()}
	}},
}

func ptr(i Impl) *Impl { return &i }

// nestedArg reports whether argument i is of one of kinds, and says so if not.
func (b *binder) nestedArg(i int, kinds ...Kind) bool {
	t := b.args[i].Type()
	for _, k := range kinds {
		if t.Kind == k {
			return true
		}
	}
	what := map[Kind]string{Array: "an ARRAY", Map: "a MAP", Struct: "a STRUCT"}
	want := what[kinds[0]]
	if len(kinds) > 1 {
		want += " or " + what[kinds[1]]
	}
	b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s takes %s, but this is %s", b.name, want, t)
	return false
}

// scalarElements reports whether the elements of array argument i are scalars, which compare with =.
func (b *binder) scalarElements(i int) bool {
	if e := b.args[i].Type().N.Elem; e.IsNested() {
		b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s compares elements, which %s's are not: they are %s", b.name, b.c.loc(b.argSpan(i)).Text, e)
		return false
	}
	return true
}

// elementArg converts argument i to t, the element (or key) type it is sought among.
func (b *binder) elementArg(i int, t Type, what string) (Expr, bool) {
	if _, ok := commonType(b.args[i].Type(), t); !ok || b.args[i].Type().IsNested() {
		b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s seeks a %s of type %s, not %s", b.name, what, t, b.args[i].Type())
		return nil, false
	}
	return b.c.convert(b.args[i], t), true
}

// elementSearch checks f(array, x) that seeks x among the array's elements.
func elementSearch(b *binder, res Type, impl Impl) Expr {
	if !b.nargs(2, 2) || !b.nestedArg(0, Array) || !b.scalarElements(0) {
		return nil
	}
	x, ok := b.elementArg(1, b.args[0].Type().N.Elem, "value")
	if !ok {
		return nil
	}
	return &Func{Name: b.canon, Args: []Expr{b.args[0], x}, Impl: &impl, T: res, Loc: b.loc()}
}
