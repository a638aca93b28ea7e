package learners

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// maxSearchWords bounds how many words of a name search are split between last
// and first name (2^n ways); further words are joined to the last one.
const maxSearchWords = 4

// fewAntennas is how many antennas a person may see for the name search to walk
// each antenna's own indexes; above it, the association-wide ones are walked and
// filtered by antenna.
const fewAntennas = 8

// Search finds files in scope by phone (typed any way: countries are those of the
// searcher's antennas, to read national numbers) or by the start of names. An
// empty query lists the latest files. At most limit files come back: when as many
// come back, there may be more, and a longer query narrows them.
func Search(ctx context.Context, d *db.DB, sc auth.Scope, countries []string, q string, limit int) ([]*Learner, error) {
	q = strings.TrimSpace(q)
	if phones := phoneCandidates(countries, q); strings.ContainsAny(q, "0123456789٠١٢٣٤٥٦٧٨٩") && len(phones) > 0 {
		where, args := sc.Where("l.antenna_id", 1)
		for _, p := range phones {
			args = append(args, p)
		}
		rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.merged_into IS NULL AND "+where+
			" AND l.phone IN ("+placeholders(3, len(phones))+fmt.Sprintf(") ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit), args...)
		return db.Collect[*Learner](rows, err)(scanOne)
	}
	if q == "" {
		where, args := sc.Where("l.antenna_id", 1)
		rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.merged_into IS NULL AND "+where+
			fmt.Sprintf(" ORDER BY l.created_at DESC, l.id DESC LIMIT %d", limit), args...)
		return db.Collect[*Learner](rows, err)(scanOne)
	}
	var keys []string
	for word := range strings.FieldsSeq(q) {
		if k := NameKey(word); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return searchNames(ctx, d, sc, keys, limit)
}

// nameSplit is one way of reading a search: the start of the last name and the
// start of the first name (either may be empty).
type nameSplit struct{ last, first string }

// nameSplits lists the ways the words of a search can be read: each word belongs
// to the last or to the first name, and the words of one name follow each other
// as typed ("jean claude habimana" is first name "jeanclaude…", last "habimana…";
// "traoré a" is last "traore…" and first "a…", or the other way round).
func nameSplits(keys []string) []nameSplit {
	if len(keys) > maxSearchWords {
		keys = append(keys[:maxSearchWords-1:maxSearchWords-1], strings.Join(keys[maxSearchWords-1:], ""))
	}
	var out []nameSplit
	seen := map[nameSplit]bool{}
	for mask := range 1 << len(keys) {
		var last, first strings.Builder
		for i, k := range keys {
			if mask&(1<<i) != 0 {
				last.WriteString(k)
			} else {
				first.WriteString(k)
			}
		}
		s := nameSplit{last.String(), first.String()}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// searchNames finds the files whose names start as one of the splits of keys
// read. Each split is one walk of an index that starts with the longer of its two
// prefixes (led by the antenna for staff of a few antennas), in the index's order,
// stopping after limit rows; the planners keep to it because the walk's order is
// the index's. One query asking "last or first name" made both planners gather
// and sort every match: seconds for a one-letter word among a million files.
func searchNames(ctx context.Context, d *db.DB, sc auth.Scope, keys []string, limit int) ([]*Learner, error) {
	var antennas []int64
	if !sc.All {
		var err error
		if antennas, err = auth.AntennasOf(ctx, d, sc.StaffID); err != nil {
			return nil, err
		}
		if len(antennas) == 0 {
			return nil, nil
		}
	}
	// Antenna ids are ours and inlined, so that PostgreSQL plans each walk for them.
	var inAntennas string
	each := []string{""}
	if len(antennas) > 0 {
		ids := make([]string, len(antennas))
		for i, id := range antennas {
			ids[i] = fmt.Sprint(id)
		}
		if len(antennas) <= fewAntennas {
			each = nil
			for _, id := range ids {
				each = append(each, "l.antenna_id = "+id+" AND ")
			}
		} else {
			inAntennas = "l.antenna_id IN (" + strings.Join(ids, ", ") + ") AND "
		}
	}
	var walks []string
	var args []any
	prefix := func(col, key string) string {
		lo, hi := prefixRange(key)
		args = append(args, lo)
		n := len(args)
		if hi == "" {
			// No upper bound in the index: the comparison of the start keeps to the prefix.
			return fmt.Sprintf("l.%s >= $%d AND substr(l.%s, 1, %d) = $%d", col, n, col, utf8.RuneCountInString(key), n)
		}
		args = append(args, hi)
		return fmt.Sprintf("l.%s >= $%d AND l.%s < $%d", col, n, col, n+1)
	}
	for _, s := range nameSplits(keys) {
		lead, other, leadKey, otherKey := "last_key", "first_key", s.last, s.first
		if utf8.RuneCountInString(s.first) > utf8.RuneCountInString(s.last) {
			lead, other, leadKey, otherKey = other, lead, otherKey, leadKey
		}
		for _, antenna := range each {
			cond := antenna + inAntennas + prefix(lead, leadKey)
			if otherKey != "" {
				cond += " AND " + prefix(other, otherKey)
			}
			walks = append(walks, fmt.Sprintf("SELECT w.id FROM (SELECT l.id FROM learners l WHERE %s AND l.merged_into IS NULL ORDER BY l.%s, l.%s LIMIT %d) w",
				cond, lead, other, limit))
		}
	}
	rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.id IN ("+strings.Join(walks, " UNION ")+
		fmt.Sprintf(") ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit), args...)
	return db.Collect[*Learner](rows, err)(scanOne)
}
