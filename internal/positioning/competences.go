package positioning

import "strings"

// Area is one of the five areas of the Pix / DigComp 2.2 framework.
type Area struct {
	Number      int
	Competences []string // codes, in framework order
}

// Areas is the fixed reference: 16 competences in 5 areas. Their names are catalog
// words (AreaKey, CompetenceKey); the questions about them are data staff edit.
var Areas = []Area{
	{1, []string{"1.1", "1.2", "1.3"}},
	{2, []string{"2.1", "2.2", "2.3", "2.4"}},
	{3, []string{"3.1", "3.2", "3.3", "3.4"}},
	{4, []string{"4.1", "4.2", "4.3"}},
	{5, []string{"5.1", "5.2"}},
}

// Competences lists the 16 competence codes in framework order.
func Competences() []string {
	var out []string
	for _, a := range Areas {
		out = append(out, a.Competences...)
	}
	return out
}

// ValidCompetence reports whether code is one of the 16 competences.
func ValidCompetence(code string) bool {
	for _, c := range Competences() {
		if c == code {
			return true
		}
	}
	return false
}

// competenceRank orders codes the framework's way, unknown codes last.
func competenceRank(code string) int {
	for i, c := range Competences() {
		if c == code {
			return i
		}
	}
	return len(Competences())
}

// AreaKey is the catalog key of an area's name.
func AreaKey(n int) string { return "positioning.area." + string(rune('0'+n)) }

// CompetenceKey is the catalog key of a competence's name ("1.1" → positioning.competence.1_1).
func CompetenceKey(code string) string {
	return "positioning.competence." + strings.ReplaceAll(code, ".", "_")
}

// Levels are the recommended levels, lowest first: the same three words as the basic
// courses' levels.
var Levels = []string{"debutant", "intermediaire", "avance"}

// LevelKey is the catalog key of a level's name.
func LevelKey(level string) string { return "positioning.level." + level }
