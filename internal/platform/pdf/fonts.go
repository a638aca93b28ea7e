package pdf

import (
	"embed"
	"encoding/binary"
	"sync"
)

// The fonts travel inside the binary: a PDF is printed the same way on a
// laptop without fonts and without network. DejaVu Sans (Bitstream Vera
// licence, fonts/LICENSE-DejaVu.txt) draws Latin, Greek, Cyrillic, Armenian,
// Georgian, Hebrew, Tifinagh, N'Ko and the Arabic script with its
// presentation forms. Under the SIL Open Font License 1.1
// (fonts/LICENSE-Noto.txt), Noto Sans Ethiopic draws the Ge'ez script of
// Tigrinya and Amharic, which DejaVu lacks, and Noto Sans Arabic (regular
// only, for bold too) the few Arabic-script letters DejaVu lacks: Urdu's
// heh goal ہ and yeh barree ے, Pashto's ۍ. They come from Debian
// (fonts-dejavu-core, fonts-noto-core).
//
//go:embed fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf fonts/NotoSansEthiopic-Regular.ttf fonts/NotoSansEthiopic-Bold.ttf fonts/NotoSansArabic-Regular.ttf
var fontFiles embed.FS

// face is one embedded font file, its family name inside the PDF and the
// characters it draws.
type face struct {
	family, style, file string // file is "" for a standard font, not embedded
	runes               map[rune]bool
	// encode turns text into what fpdf draws with the face: UTF-8 for the
	// embedded fonts, Windows-1252 bytes for the standard ones.
	encode func(string) string
}

var (
	facesOnce sync.Once
	faceData  map[string][]byte // file → bytes
	dejavu    [2]*face          // regular, bold
	ethiopic  [2]*face
	arabic    [2]*face // the same regular face twice
	helvetica [2]*face // PDF's standard font, in Windows-1252
)

// winAnsi are the characters of Windows-1252 (PDF's WinAnsiEncoding) beyond
// ASCII and Latin-1, which the standard fonts draw: € ‚ ƒ „ … and the rest.
const winAnsi = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

// standardFace is a PDF standard font: the characters of Windows-1252, the
// narrow no-break space that French puts before "€" drawn as a no-break space.
func standardFace(family, style string) *face {
	runes := map[rune]bool{'\u202F': true}
	for r := rune(' '); r <= '~'; r++ {
		runes[r] = true
	}
	for r := rune(0xA0); r <= 0xFF; r++ {
		runes[r] = true
	}
	for _, r := range winAnsi {
		runes[r] = true
	}
	toByte := map[rune]byte{}
	for i, r := range []rune(winAnsi) {
		toByte[r] = []byte{0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8E, 0x91, 0x92, 0x93,
			0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9E, 0x9F}[i]
	}
	return &face{family: family, style: style, runes: runes, encode: func(s string) string {
		b := make([]byte, 0, len(s))
		for _, r := range s {
			switch {
			case r == 0x202F:
				b = append(b, 0xA0)
			case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
				b = append(b, byte(r))
			default:
				b = append(b, toByte[r])
			}
		}
		return string(b)
	}}
}

func utf8Text(s string) string { return s }

func loadFaces() {
	facesOnce.Do(func() {
		faceData = map[string][]byte{}
		load := func(family, style, file string) *face {
			b, err := fontFiles.ReadFile("fonts/" + file)
			if err != nil {
				panic("pdf: embedded font missing: " + err.Error())
			}
			faceData[file] = b
			return &face{family: family, style: style, file: file, runes: cmapRunes(b), encode: utf8Text}
		}
		dejavu = [2]*face{load("dejavu", "", "DejaVuSans.ttf"), load("dejavu", "B", "DejaVuSans-Bold.ttf")}
		ethiopic = [2]*face{load("notoethiopic", "", "NotoSansEthiopic-Regular.ttf"), load("notoethiopic", "B", "NotoSansEthiopic-Bold.ttf")}
		a := load("notoarabic", "", "NotoSansArabic-Regular.ttf")
		arabic = [2]*face{a, a}
		helvetica = [2]*face{standardFace("helvetica", ""), standardFace("helvetica", "B")}
	})
}

// cmapRunes reads which characters a TrueType font maps to a glyph, from its
// cmap table's Unicode subtable (format 4 for the Basic Multilingual Plane,
// format 12 beyond). A damaged table gives what could be read.
func cmapRunes(font []byte) map[rune]bool {
	out := map[rune]bool{}
	u16 := func(off int) int {
		if off < 0 || off+2 > len(font) {
			return 0
		}
		return int(binary.BigEndian.Uint16(font[off:]))
	}
	u32 := func(off int) int {
		if off < 0 || off+4 > len(font) {
			return 0
		}
		return int(binary.BigEndian.Uint32(font[off:]))
	}
	cmap := -1
	for i, n := 0, u16(4); i < n; i++ {
		rec := 12 + 16*i
		if string(font[rec:min(rec+4, len(font))]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return out
	}
	for i, n := 0, u16(cmap+2); i < n; i++ {
		rec := cmap + 4 + 8*i
		platform, encoding, sub := u16(rec), u16(rec+2), cmap+u32(rec+4)
		if platform != 3 && platform != 0 {
			continue
		}
		switch u16(sub) {
		case 4:
			if platform == 3 && encoding != 1 {
				continue
			}
			segs := u16(sub+6) / 2
			ends, starts := sub+14, sub+16+2*segs
			deltas, ranges := starts+2*segs, starts+4*segs
			for s := range segs {
				end, start := u16(ends+2*s), u16(starts+2*s)
				delta, rangeOff := u16(deltas+2*s), u16(ranges+2*s)
				for c := start; c <= end && c != 0xFFFF; c++ {
					glyph := 0
					if rangeOff == 0 {
						glyph = (c + delta) & 0xFFFF
					} else if g := u16(ranges + 2*s + rangeOff + 2*(c-start)); g != 0 {
						glyph = (g + delta) & 0xFFFF
					}
					if glyph != 0 {
						out[rune(c)] = true
					}
				}
			}
		case 12:
			for g, n := 0, u32(sub+12); g < n; g++ {
				grp := sub + 16 + 12*g
				for c := u32(grp); c <= u32(grp+4) && c-u32(grp) < 0x10000; c++ {
					out[rune(c)] = true
				}
			}
		}
	}
	return out
}
