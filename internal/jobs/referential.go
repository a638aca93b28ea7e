package jobs

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
	"unicode"

	"tremplin/internal/communes"
)

// The ROME, which an offer is written in (data/README.md says where it comes
// from and under which licence; the communes are package communes').
//
//go:embed data/rome.csv
var romeCSV []byte

// Job is one sheet of the ROME: its code (M1805) and title.
type Job struct{ Code, Title string }

// Commune is a French commune, from the communes package's referential
// (which profiles share to place learners).
type Commune = communes.Commune

type referential struct {
	jobs []Job
	rome map[string]*Job
}

var (
	refOnce sync.Once
	ref     *referential
)

// load reads the embedded ROME once, at first use.
func load() *referential {
	refOnce.Do(func() {
		r := &referential{rome: map[string]*Job{}}
		rows, err := csv.NewReader(bytes.NewReader(romeCSV)).ReadAll()
		if err != nil {
			panic(err) // embedded: a broken file is a build error
		}
		for _, row := range rows[1:] {
			r.jobs = append(r.jobs, Job{Code: row[0], Title: row[1]})
		}
		for i := range r.jobs {
			r.rome[r.jobs[i].Code] = &r.jobs[i]
		}
		ref = r
	})
	return ref
}

// Jobs lists the ROME's sheets by code.
func Jobs() []Job { return load().jobs }

// JobByCode is the ROME sheet of a code (upper or lower case), nil for none.
func JobByCode(code string) *Job { return load().rome[strings.ToUpper(strings.TrimSpace(code))] }

// FindJob reads what someone typed for a job: a ROME code ("M1805"), or a
// code followed by its title as the form shows it ("M1805 — Études…"), or a
// title written exactly (accents and case aside). nil when none matches.
func FindJob(typed string) *Job {
	typed = strings.TrimSpace(typed)
	if len(typed) >= 5 {
		if j := JobByCode(typed[:5]); j != nil && (len(typed) == 5 || !isLetterOrDigit(rune(typed[5]))) {
			return j
		}
	}
	k := fold(typed)
	for i, j := range load().jobs {
		if fold(j.Title) == k {
			return &load().jobs[i]
		}
	}
	return nil
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// CommuneByINSEE is the commune of an INSEE code, nil for none.
func CommuneByINSEE(code string) *Commune { return communes.ByINSEE(code) }

// FindCommune reads a town typed in a form (communes.Find): the commune, or
// nil and how many communes the words could mean.
func FindCommune(typed string) (*Commune, int) { return communes.Find(typed) }

func fold(s string) string { return communes.Fold(s) }

// TownLabel is the offer's town as the matching page reads it: "59000 Lille"
// (an INSEE code may also be another town's postcode).
func (o Offer) TownLabel() string {
	if c := CommuneByINSEE(o.INSEE); c != nil {
		return c.Label()
	}
	return o.Town
}
