package learners

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// Registering a partner's list of thousands of people one Register at a time
// costs several round trips per person; these do it in a few statements, with the
// same duplicate rule as findDuplicate, applied in memory.

// dupIndex is an antenna's files by the keys of the duplicate rule: the phone, and
// the names with the birth year.
type dupIndex struct {
	byPhone map[string]int64
	byName  map[string]int64 // last_key|first_key|birth_year
}

func nameIndexKey(lastKey, firstKey string, year int) string {
	return lastKey + "|" + firstKey + "|" + strconv.Itoa(year)
}

func (ix *dupIndex) add(id int64, phone, firstKey, lastKey string, year int) {
	if old, ok := ix.byPhone[phone]; !ok || id < old {
		ix.byPhone[phone] = id
	}
	k := nameIndexKey(lastKey, firstKey, year)
	if old, ok := ix.byName[k]; !ok || id < old {
		ix.byName[k] = id
	}
}

// find returns the earliest file likely the same person as l (see findDuplicate), 0 if none.
func (ix *dupIndex) find(l *Learner) int64 {
	firstKey, lastKey := NameKey(l.FirstName), NameKey(l.LastName)
	best := int64(0)
	consider := func(id int64, ok bool) {
		if ok && (best == 0 || id < best) {
			best = id
		}
	}
	id, ok := ix.byPhone[l.Phone]
	consider(id, ok)
	if lastKey != "" {
		id, ok = ix.byName[nameIndexKey(lastKey, firstKey, l.BirthYear)]
		consider(id, ok)
		id, ok = ix.byName[nameIndexKey(firstKey, lastKey, l.BirthYear)]
		consider(id, ok)
	}
	return best
}

func loadDupIndex(ctx context.Context, q db.Execer, antennaID int64) (*dupIndex, error) {
	ix := &dupIndex{byPhone: map[string]int64{}, byName: map[string]int64{}}
	rows, err := q.QueryContext(ctx, `SELECT id, phone, first_key, last_key, birth_year FROM learners
		WHERE antenna_id = $1 AND merged_into IS NULL`, antennaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var phone, fk, lk string
		var year int
		if err := rows.Scan(&id, &phone, &fk, &lk, &year); err != nil {
			return nil, err
		}
		ix.add(id, phone, fk, lk, year)
	}
	return ix, rows.Err()
}

// LikelyDuplicates returns, for each person of antennaID, the earliest existing file
// of the antenna likely the same person (same phone, or same name in either order
// and birth year: the rule registration flags duplicates with), 0 for none.
func LikelyDuplicates(ctx context.Context, d *db.DB, antennaID int64, people []*Learner) ([]int64, error) {
	ix, err := loadDupIndex(ctx, d, antennaID)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(people))
	for i, l := range people {
		out[i] = ix.find(l)
	}
	return out, nil
}

// registerChunk is how many files one INSERT writes: 25 values each, and SQLite's
// lookup of numbered parameters grows with the square of their number.
const registerChunk = 40

// RegisterMany stores new registrations of one antenna within tx, as Register does
// one (file, first step of its history, duplicate flag against the antenna's files
// and the earlier people of the list), in a few statements: for a partner's list.
// Each person's ID and DuplicateOf are set.
func RegisterMany(ctx context.Context, tx *sql.Tx, antennaID int64, people []*Learner) error {
	ix, err := loadDupIndex(ctx, tx, antennaID)
	if err != nil {
		return err
	}
	now := time.Now()
	sameAs := make([]int, len(people)) // 1 + index of an earlier person of the list, 0 if none
	inList := &dupIndex{byPhone: map[string]int64{}, byName: map[string]int64{}}
	for i, l := range people {
		l.AntennaID = antennaID
		prepareRegistration(l, now)
		l.DuplicateOf = ix.find(l)
		if l.DuplicateOf == 0 {
			sameAs[i] = int(inList.find(l))
		}
		// Positions stand in for ids within the list (1-based: 0 is "none").
		inList.add(int64(i+1), l.Phone, NameKey(l.FirstName), NameKey(l.LastName), l.BirthYear)
	}
	for start := 0; start < len(people); start += registerChunk {
		chunk := people[start:min(start+registerChunk, len(people))]
		if err := insertChunk(ctx, tx, chunk); err != nil {
			return err
		}
	}
	for i, j := range sameAs {
		if j == 0 || j-1 == i {
			continue
		}
		people[i].DuplicateOf = people[j-1].ID
		if _, err := tx.ExecContext(ctx, "UPDATE learners SET duplicate_of = $1 WHERE id = $2", people[i].DuplicateOf, people[i].ID); err != nil {
			return err
		}
	}
	return nil
}

// insertChunk writes files and their first history step, two statements. The ids
// come back by RETURNING, matched to the people by their details (people whose
// details are all equal are interchangeable).
func insertChunk(ctx context.Context, tx *sql.Tx, chunk []*Learner) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO learners (antenna_id, first_name, last_name, phone, email, birth_year,
		postcode, town, languages, french_level, situations, equipment, availabilities, heard_from, wished_programme_id,
		wished_cohort_id, status, consent_text, consent_at, source, lang, first_key, last_key, duplicate_of, created_at, updated_at) VALUES `)
	args := make(db.Args, 0, 25*len(chunk))
	pending := map[string][]*Learner{}
	for i, l := range chunk {
		if i > 0 {
			q.WriteString(", ")
		}
		firstKey, lastKey := NameKey(l.FirstName), NameKey(l.LastName)
		values := args.In(l.AntennaID, l.FirstName, l.LastName, l.Phone, l.Email, l.BirthYear, l.Postcode, l.Town,
			joinCodes(l.Languages), l.FrenchLevel, joinCodes(l.Situations), joinCodes(l.Equipment), joinCodes(l.Availabilities),
			l.HeardFrom, db.NullID(l.WishedProgramme), db.NullID(l.WishedCohort), l.Status, l.ConsentText, db.FormatTime(l.ConsentAt),
			l.Source, l.Lang, firstKey, lastKey, db.NullID(l.DuplicateOf))
		created := args.Add(db.FormatTime(l.CreatedAt)) // created_at and updated_at
		q.WriteString("(" + values + ", " + created + ", " + created + ")")
		key := l.Phone + "|" + firstKey + "|" + lastKey + "|" + strconv.Itoa(l.BirthYear)
		pending[key] = append(pending[key], l)
	}
	q.WriteString(" RETURNING id, phone, first_key, last_key, birth_year")
	rows, err := tx.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var phone, fk, lk string
		var year int
		if err := rows.Scan(&id, &phone, &fk, &lk, &year); err != nil {
			rows.Close()
			return err
		}
		key := phone + "|" + fk + "|" + lk + "|" + strconv.Itoa(year)
		if list := pending[key]; len(list) > 0 {
			list[0].ID, pending[key] = id, list[1:]
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	q.Reset()
	q.WriteString("INSERT INTO learner_history (learner_id, kind, status, at) VALUES ")
	args = args[:0]
	for i, l := range chunk {
		if l.ID == 0 {
			return fmt.Errorf("register many: no id returned for row %d", i)
		}
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(" + args.Add(l.ID) + ", 'registered', '" + Received + "', " + args.Add(db.FormatTime(l.CreatedAt)) + ")")
	}
	if _, err = tx.ExecContext(ctx, q.String(), args...); err != nil {
		return err
	}
	files := make([]keyed, len(chunk))
	for i, l := range chunk {
		files[i] = keyed{l.ID, l.AntennaID, l.FirstName, l.LastName, l.Phone}
	}
	return insertKeys(ctx, tx, files)
}
