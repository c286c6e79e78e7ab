// Grapheme clusters, for REVERSE: the boundaries of Unicode's extended grapheme clusters (UAX #29) as DuckDB
// draws them, implemented here without a dependency. Go's unicode tables (Unicode 15.0) give the marks and the
// control characters; the tables below give the properties Go does not have. conformance/grapheme_test.go checks
// every code point against DuckDB.

package rt

import (
	"unicode"
	"unicode/utf8"
)

// gcb is a code point's Grapheme_Cluster_Break class.
type gcb uint8

const (
	gcbOther   gcb = iota
	gcbControl     // also CR and LF: DuckDB breaks between CR and LF
	gcbExtend
	gcbZWJ
	gcbSpacingMark
	gcbPrepend
	gcbRI // regional indicator
	gcbL  // Hangul jamo: leading consonant,
	gcbV  // vowel,
	gcbT  // trailing consonant,
	gcbLV // and the precomposed syllables
	gcbLVT
)

// graphemeClass returns the class of r.
func graphemeClass(r rune) gcb {
	switch {
	case r < 0x20 || r == 0x7F:
		return gcbControl
	case r < 0xA0:
		if r > 0x7F {
			return gcbControl
		}
		return gcbOther
	case r == 0x200D:
		return gcbZWJ
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 == 0 {
			return gcbLV
		}
		return gcbLVT
	case r >= 0x1100 && r <= 0x115F || r >= 0xA960 && r <= 0xA97C:
		return gcbL
	case r >= 0x1160 && r <= 0x11A7 || r >= 0xD7B0 && r <= 0xD7C6:
		return gcbV
	case r >= 0x11A8 && r <= 0x11FF || r >= 0xD7CB && r <= 0xD7FB:
		return gcbT
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Other_Grapheme_Extend) || r >= 0x1F3FB && r <= 0x1F3FF:
		return gcbExtend // Grapheme_Extend and the emoji skin-tone modifiers
	case unicode.Is(unicode.Mc, r):
		if unicode.Is(graphemeMcOther, r) {
			return gcbOther
		}
		return gcbSpacingMark
	case r == 0x0E33 || r == 0x0EB3:
		return gcbSpacingMark
	case unicode.In(r, unicode.Prepended_Concatenation_Mark, graphemePrepend):
		return gcbPrepend
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp):
		return gcbControl
	case unicode.Is(unicode.Regional_Indicator, r):
		return gcbRI
	}
	return gcbOther
}

// conjunct is a code point's Indic_Conjunct_Break class, for rule GB9c.
type conjunct uint8

const (
	incbNone conjunct = iota
	incbConsonant
	incbLinker
	incbExtend
)

func conjunctClass(r rune) conjunct {
	switch {
	case r < 0x300:
		return incbNone
	case r == 0x094D || r == 0x09CD || r == 0x0ACD || r == 0x0B4D || r == 0x0C4D || r == 0x0D4D:
		return incbLinker
	case unicode.Is(graphemeConsonant, r):
		return incbConsonant
	case unicode.Is(graphemeConjunctExtend, r):
		return incbExtend
	}
	return incbNone
}

// graphemes walks the extended grapheme clusters of a string.
type graphemes struct {
	prev    gcb
	pict    uint8 // 1: after Extended_Pictographic Extend*; 2: and then a ZWJ
	ri      int   // regional indicators in a row so far
	conj    uint8 // 1: after an InCB consonant [extend|linker]*; 2: with a linker among them
	started bool
}

// breakBefore reports whether a cluster boundary precedes r, and advances the state past it.
func (g *graphemes) breakBefore(r rune) bool {
	c := graphemeClass(r)
	ic := incbNone
	if r >= 0x300 {
		ic = conjunctClass(r)
	}
	brk := g.started && g.boundary(c, r, ic)
	g.started = true
	// Advance: Extended_Pictographic Extend* ZWJ (GB11), regional indicator pairs (GB12, GB13), and
	// consonant [extend|linker]* linker [extend|linker]* (GB9c).
	switch {
	case r >= 0xA9 && unicode.Is(graphemeExtPict, r):
		g.pict = 1
	case g.pict == 1 && c == gcbExtend:
	case g.pict == 1 && c == gcbZWJ:
		g.pict = 2
	default:
		g.pict = 0
	}
	if c == gcbRI {
		g.ri++
	} else {
		g.ri = 0
	}
	switch {
	case ic == incbConsonant:
		g.conj = 1
	case g.conj > 0 && ic == incbLinker:
		g.conj = 2
	case g.conj > 0 && ic == incbExtend:
	default:
		g.conj = 0
	}
	g.prev = c
	return brk
}

// boundary applies the rules of UAX #29 between the previous code point and one of class c, in their order.
func (g *graphemes) boundary(c gcb, r rune, ic conjunct) bool {
	p := g.prev
	switch {
	case p == gcbControl || c == gcbControl: // GB4, GB5
		return true
	case p == gcbL && (c == gcbL || c == gcbV || c == gcbLV || c == gcbLVT): // GB6
		return false
	case (p == gcbLV || p == gcbV) && (c == gcbV || c == gcbT): // GB7
		return false
	case (p == gcbLVT || p == gcbT) && c == gcbT: // GB8
		return false
	case c == gcbExtend || c == gcbZWJ || c == gcbSpacingMark || p == gcbPrepend: // GB9, GB9a, GB9b
		return false
	case ic == incbConsonant && g.conj == 2: // GB9c
		return false
	case p == gcbZWJ && g.pict == 2 && r >= 0xA9 && unicode.Is(graphemeExtPict, r): // GB11
		return false
	case p == gcbRI && c == gcbRI && g.ri%2 == 1: // GB12, GB13
		return false
	}
	return true
}

// Reverse is REVERSE(s): s with its grapheme clusters in reverse order, as DuckDB does, so a letter keeps its
// combining marks and an emoji sequence stays whole. An invalid UTF-8 byte is a cluster of its own.
func Reverse(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	b := make([]byte, len(s))
	if ascii { // every ASCII character is a cluster of its own (DuckDB breaks CR LF too)
		for i := 0; i < len(s); i++ {
			b[len(s)-1-i] = s[i]
		}
		return view(b)
	}
	var g graphemes
	start := 0 // of the current cluster
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = -1 // an invalid byte: classed as a control character, a cluster of its own
		}
		if g.breakBefore(r) {
			copy(b[len(s)-i:], s[start:i])
			start = i
		}
		i += n
	}
	copy(b, s[start:])
	return view(b)
}

// The code point sets Go's unicode package has no table for, as DuckDB 1.5 classes them (Unicode 15.1 data). A
// range table per set; unassigned code points are in none.

// graphemeMcOther holds the spacing marks (Mc) that are not Grapheme_Cluster_Break=SpacingMark.
var graphemeMcOther = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x102B, 0x102C, 1}, {0x1038, 0x1038, 1}, {0x1062, 0x1064, 1}, {0x1067, 0x106D, 1}, {0x1083, 0x1083, 1},
		{0x1087, 0x108C, 1}, {0x108F, 0x108F, 1}, {0x109A, 0x109C, 1}, {0x1A61, 0x1A61, 1}, {0x1A63, 0x1A64, 1},
		{0xAA7B, 0xAA7B, 1}, {0xAA7D, 0xAA7D, 1},
	},
	R32: []unicode.Range32{
		{0x11720, 0x11721, 1},
	},
}

// graphemePrepend holds the Grapheme_Cluster_Break=Prepend code points besides the
// Prepended_Concatenation_Mark ones.
var graphemePrepend = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x0D4E, 0x0D4E, 1},
	},
	R32: []unicode.Range32{
		{0x111C2, 0x111C3, 1}, {0x1193F, 0x1193F, 1}, {0x11941, 0x11941, 1}, {0x11A3A, 0x11A3A, 1}, {0x11A84, 0x11A89, 1},
		{0x11D46, 0x11D46, 1}, {0x11F02, 0x11F02, 1},
	},
}

// graphemeExtPict is Extended_Pictographic.
var graphemeExtPict = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00A9, 0x00A9, 1}, {0x00AE, 0x00AE, 1}, {0x203C, 0x203C, 1}, {0x2049, 0x2049, 1}, {0x2122, 0x2122, 1},
		{0x2139, 0x2139, 1}, {0x2194, 0x2199, 1}, {0x21A9, 0x21AA, 1}, {0x231A, 0x231B, 1}, {0x2328, 0x2328, 1},
		{0x2388, 0x2388, 1}, {0x23CF, 0x23CF, 1}, {0x23E9, 0x23F3, 1}, {0x23F8, 0x23FA, 1}, {0x24C2, 0x24C2, 1},
		{0x25AA, 0x25AB, 1}, {0x25B6, 0x25B6, 1}, {0x25C0, 0x25C0, 1}, {0x25FB, 0x25FE, 1}, {0x2600, 0x2605, 1},
		{0x2607, 0x2612, 1}, {0x2614, 0x2685, 1}, {0x2690, 0x2705, 1}, {0x2708, 0x2712, 1}, {0x2714, 0x2714, 1},
		{0x2716, 0x2716, 1}, {0x271D, 0x271D, 1}, {0x2721, 0x2721, 1}, {0x2728, 0x2728, 1}, {0x2733, 0x2734, 1},
		{0x2744, 0x2744, 1}, {0x2747, 0x2747, 1}, {0x274C, 0x274C, 1}, {0x274E, 0x274E, 1}, {0x2753, 0x2755, 1},
		{0x2757, 0x2757, 1}, {0x2763, 0x2767, 1}, {0x2795, 0x2797, 1}, {0x27A1, 0x27A1, 1}, {0x27B0, 0x27B0, 1},
		{0x27BF, 0x27BF, 1}, {0x2934, 0x2935, 1}, {0x2B05, 0x2B07, 1}, {0x2B1B, 0x2B1C, 1}, {0x2B50, 0x2B50, 1},
		{0x2B55, 0x2B55, 1}, {0x3030, 0x3030, 1}, {0x303D, 0x303D, 1}, {0x3297, 0x3297, 1}, {0x3299, 0x3299, 1},
	},
	R32: []unicode.Range32{
		{0x1F000, 0x1F02B, 1}, {0x1F030, 0x1F093, 1}, {0x1F0A0, 0x1F0AE, 1}, {0x1F0B1, 0x1F0BF, 1}, {0x1F0C1, 0x1F0CF, 1},
		{0x1F0D1, 0x1F0F5, 1}, {0x1F10D, 0x1F10F, 1}, {0x1F12F, 0x1F12F, 1}, {0x1F16C, 0x1F171, 1}, {0x1F17E, 0x1F17F, 1},
		{0x1F18E, 0x1F18E, 1}, {0x1F191, 0x1F19A, 1}, {0x1F1AD, 0x1F1AD, 1}, {0x1F201, 0x1F202, 1}, {0x1F21A, 0x1F21A, 1},
		{0x1F22F, 0x1F22F, 1}, {0x1F232, 0x1F23A, 1}, {0x1F250, 0x1F251, 1}, {0x1F260, 0x1F265, 1}, {0x1F300, 0x1F3FA, 1},
		{0x1F400, 0x1F53D, 1}, {0x1F546, 0x1F64F, 1}, {0x1F680, 0x1F6D7, 1}, {0x1F6DC, 0x1F6EC, 1}, {0x1F6F0, 0x1F6FC, 1},
		{0x1F774, 0x1F776, 1}, {0x1F77B, 0x1F77F, 1}, {0x1F7D5, 0x1F7D9, 1}, {0x1F7E0, 0x1F7EB, 1}, {0x1F7F0, 0x1F7F0, 1},
		{0x1F8B0, 0x1F8B1, 1}, {0x1F90C, 0x1F93A, 1}, {0x1F93C, 0x1F945, 1}, {0x1F947, 0x1FA53, 1}, {0x1FA60, 0x1FA6D, 1},
		{0x1FA70, 0x1FA7C, 1}, {0x1FA80, 0x1FA88, 1}, {0x1FA90, 0x1FABD, 1}, {0x1FABF, 0x1FAC5, 1}, {0x1FACE, 0x1FADB, 1},
		{0x1FAE0, 0x1FAE8, 1}, {0x1FAF0, 0x1FAF8, 1},
	},
}

// graphemeConsonant is Indic_Conjunct_Break=Consonant.
var graphemeConsonant = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x0915, 0x0939, 1}, {0x0958, 0x095F, 1}, {0x0978, 0x097F, 1}, {0x0995, 0x09A8, 1}, {0x09AA, 0x09B0, 1},
		{0x09B2, 0x09B2, 1}, {0x09B6, 0x09B9, 1}, {0x09DC, 0x09DD, 1}, {0x09DF, 0x09DF, 1}, {0x09F0, 0x09F1, 1},
		{0x0A95, 0x0AA8, 1}, {0x0AAA, 0x0AB0, 1}, {0x0AB2, 0x0AB3, 1}, {0x0AB5, 0x0AB9, 1}, {0x0AF9, 0x0AF9, 1},
		{0x0B15, 0x0B28, 1}, {0x0B2A, 0x0B30, 1}, {0x0B32, 0x0B33, 1}, {0x0B35, 0x0B39, 1}, {0x0B5C, 0x0B5D, 1},
		{0x0B5F, 0x0B5F, 1}, {0x0B71, 0x0B71, 1}, {0x0C15, 0x0C28, 1}, {0x0C2A, 0x0C39, 1}, {0x0C58, 0x0C5A, 1},
		{0x0D15, 0x0D3A, 1},
	},
}

// graphemeConjunctExtend is Indic_Conjunct_Break=Extend.
var graphemeConjunctExtend = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x0300, 0x034E, 1}, {0x0350, 0x036F, 1}, {0x0483, 0x0487, 1}, {0x0591, 0x05BD, 1}, {0x05BF, 0x05BF, 1},
		{0x05C1, 0x05C2, 1}, {0x05C4, 0x05C5, 1}, {0x05C7, 0x05C7, 1}, {0x0610, 0x061A, 1}, {0x064B, 0x065F, 1},
		{0x0670, 0x0670, 1}, {0x06D6, 0x06DC, 1}, {0x06DF, 0x06E4, 1}, {0x06E7, 0x06E8, 1}, {0x06EA, 0x06ED, 1},
		{0x0711, 0x0711, 1}, {0x0730, 0x074A, 1}, {0x07EB, 0x07F3, 1}, {0x07FD, 0x07FD, 1}, {0x0816, 0x0819, 1},
		{0x081B, 0x0823, 1}, {0x0825, 0x0827, 1}, {0x0829, 0x082D, 1}, {0x0859, 0x085B, 1}, {0x0898, 0x089F, 1},
		{0x08CA, 0x08E1, 1}, {0x08E3, 0x08FF, 1}, {0x093C, 0x093C, 1}, {0x0951, 0x0954, 1}, {0x09BC, 0x09BC, 1},
		{0x09FE, 0x09FE, 1}, {0x0A3C, 0x0A3C, 1}, {0x0ABC, 0x0ABC, 1}, {0x0B3C, 0x0B3C, 1}, {0x0C3C, 0x0C3C, 1},
		{0x0C55, 0x0C56, 1}, {0x0CBC, 0x0CBC, 1}, {0x0D3B, 0x0D3C, 1}, {0x0E38, 0x0E3A, 1}, {0x0E48, 0x0E4B, 1},
		{0x0EB8, 0x0EBA, 1}, {0x0EC8, 0x0ECB, 1}, {0x0F18, 0x0F19, 1}, {0x0F35, 0x0F35, 1}, {0x0F37, 0x0F37, 1},
		{0x0F39, 0x0F39, 1}, {0x0F71, 0x0F72, 1}, {0x0F74, 0x0F74, 1}, {0x0F7A, 0x0F7D, 1}, {0x0F80, 0x0F80, 1},
		{0x0F82, 0x0F84, 1}, {0x0F86, 0x0F87, 1}, {0x0FC6, 0x0FC6, 1}, {0x1037, 0x1037, 1}, {0x1039, 0x103A, 1},
		{0x108D, 0x108D, 1}, {0x135D, 0x135F, 1}, {0x1714, 0x1714, 1}, {0x17D2, 0x17D2, 1}, {0x17DD, 0x17DD, 1},
		{0x18A9, 0x18A9, 1}, {0x1939, 0x193B, 1}, {0x1A17, 0x1A18, 1}, {0x1A60, 0x1A60, 1}, {0x1A75, 0x1A7C, 1},
		{0x1A7F, 0x1A7F, 1}, {0x1AB0, 0x1ABD, 1}, {0x1ABF, 0x1ACE, 1}, {0x1B34, 0x1B34, 1}, {0x1B6B, 0x1B73, 1},
		{0x1BAB, 0x1BAB, 1}, {0x1BE6, 0x1BE6, 1}, {0x1C37, 0x1C37, 1}, {0x1CD0, 0x1CD2, 1}, {0x1CD4, 0x1CE0, 1},
		{0x1CE2, 0x1CE8, 1}, {0x1CED, 0x1CED, 1}, {0x1CF4, 0x1CF4, 1}, {0x1CF8, 0x1CF9, 1}, {0x1DC0, 0x1DFF, 1},
		{0x200D, 0x200D, 1}, {0x20D0, 0x20DC, 1}, {0x20E1, 0x20E1, 1}, {0x20E5, 0x20F0, 1}, {0x2CEF, 0x2CF1, 1},
		{0x2D7F, 0x2D7F, 1}, {0x2DE0, 0x2DFF, 1}, {0x302A, 0x302F, 1}, {0x3099, 0x309A, 1}, {0xA66F, 0xA66F, 1},
		{0xA674, 0xA67D, 1}, {0xA69E, 0xA69F, 1}, {0xA6F0, 0xA6F1, 1}, {0xA82C, 0xA82C, 1}, {0xA8E0, 0xA8F1, 1},
		{0xA92B, 0xA92D, 1}, {0xA9B3, 0xA9B3, 1}, {0xAAB0, 0xAAB0, 1}, {0xAAB2, 0xAAB4, 1}, {0xAAB7, 0xAAB8, 1},
		{0xAABE, 0xAABF, 1}, {0xAAC1, 0xAAC1, 1}, {0xAAF6, 0xAAF6, 1}, {0xABED, 0xABED, 1}, {0xFB1E, 0xFB1E, 1},
		{0xFE20, 0xFE2F, 1},
	},
	R32: []unicode.Range32{
		{0x101FD, 0x101FD, 1}, {0x102E0, 0x102E0, 1}, {0x10376, 0x1037A, 1}, {0x10A0D, 0x10A0D, 1}, {0x10A0F, 0x10A0F, 1},
		{0x10A38, 0x10A3A, 1}, {0x10A3F, 0x10A3F, 1}, {0x10AE5, 0x10AE6, 1}, {0x10D24, 0x10D27, 1}, {0x10EAB, 0x10EAC, 1},
		{0x10EFD, 0x10EFF, 1}, {0x10F46, 0x10F50, 1}, {0x10F82, 0x10F85, 1}, {0x11070, 0x11070, 1}, {0x1107F, 0x1107F, 1},
		{0x110BA, 0x110BA, 1}, {0x11100, 0x11102, 1}, {0x11133, 0x11134, 1}, {0x11173, 0x11173, 1}, {0x111CA, 0x111CA, 1},
		{0x11236, 0x11236, 1}, {0x112E9, 0x112EA, 1}, {0x1133B, 0x1133C, 1}, {0x11366, 0x1136C, 1}, {0x11370, 0x11374, 1},
		{0x11446, 0x11446, 1}, {0x1145E, 0x1145E, 1}, {0x114C3, 0x114C3, 1}, {0x115C0, 0x115C0, 1}, {0x116B7, 0x116B7, 1},
		{0x1172B, 0x1172B, 1}, {0x1183A, 0x1183A, 1}, {0x1193E, 0x1193E, 1}, {0x11943, 0x11943, 1}, {0x11A34, 0x11A34, 1},
		{0x11A47, 0x11A47, 1}, {0x11A99, 0x11A99, 1}, {0x11D42, 0x11D42, 1}, {0x11D44, 0x11D45, 1}, {0x11D97, 0x11D97, 1},
		{0x11F42, 0x11F42, 1}, {0x16AF0, 0x16AF4, 1}, {0x16B30, 0x16B36, 1}, {0x1BC9E, 0x1BC9E, 1}, {0x1D165, 0x1D165, 1},
		{0x1D167, 0x1D169, 1}, {0x1D16E, 0x1D172, 1}, {0x1D17B, 0x1D182, 1}, {0x1D185, 0x1D18B, 1}, {0x1D1AA, 0x1D1AD, 1},
		{0x1D242, 0x1D244, 1}, {0x1E000, 0x1E006, 1}, {0x1E008, 0x1E018, 1}, {0x1E01B, 0x1E021, 1}, {0x1E023, 0x1E024, 1},
		{0x1E026, 0x1E02A, 1}, {0x1E08F, 0x1E08F, 1}, {0x1E130, 0x1E136, 1}, {0x1E2AE, 0x1E2AE, 1}, {0x1E2EC, 0x1E2EF, 1},
		{0x1E4EC, 0x1E4EF, 1}, {0x1E8D0, 0x1E8D6, 1}, {0x1E944, 0x1E94A, 1},
	},
}
