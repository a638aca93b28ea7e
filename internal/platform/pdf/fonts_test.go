package pdf

import "testing"

// The presentation forms the shaper uses are the ones the embedded fonts draw.
func TestFontsCoverTheScripts(t *testing.T) {
	loadFaces()
	for _, c := range []struct {
		name string
		f    *face
		text string
	}{
		{"French", dejavu[0], "Élève œuvre à Noël, çà"},
		{"Arabic", dejavu[0], "سلام محمد"},
		{"Arabic forms", dejavu[0], "\uFE8D\uFEE3\uFEE4\uFEFB"},
		{"Persian forms", dejavu[0], "\uFB56\uFB7A\uFB8A\uFB92\uFB8E\uFBFC"},
		{"Cyrillic", dejavu[1], "Наталья"},
		{"Greek", dejavu[1], "Ελένη"},
		{"Ethiopic", ethiopic[0], "ሰላም ኣብርሃም"},
		{"Ethiopic bold", ethiopic[1], "ሰላም"},
		{"Urdu and Pashto fallback", arabic[0], "ہےۍ\uFBA6\uFBA7\uFBA8\uFBA9\uFBAE\uFBAF"},
	} {
		for _, r := range c.text {
			if r != ' ' && !c.f.runes[r] {
				t.Errorf("%s: %s lacks %U %q", c.name, c.f.file, r, r)
			}
		}
	}
	if dejavu[0].runes['ሰ'] || dejavu[0].runes['ہ'] {
		t.Error("DejaVu Sans draws Ethiopic or Urdu's heh goal: a fallback would be needless")
	}
}
