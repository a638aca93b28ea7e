package org

import (
	"context"
	"strconv"

	"tremplin/internal/platform/auth"
)

// TodayItem is one line of a staff member's day on the home page: a kind of work
// (its words are the catalog key "today."+Key), how many are waiting, and the
// page where they are. The packages count them (org imports none of them): the
// Handlers' Today callback, wired in internal/app, gathers the lines.
type TodayItem struct {
	Key   string
	Count int
	Limit int // Count reached it: there may be more ("99+")
	Href  string
}

// Shown is the count as the page writes it: "99+" when the limit was reached.
func (it TodayItem) Shown() string {
	if it.Limit > 0 && it.Count >= it.Limit {
		return strconv.Itoa(it.Limit-1) + "+"
	}
	return strconv.Itoa(it.Count)
}

// TodayFunc lists the day's work of a staff member.
type TodayFunc func(ctx context.Context, st *auth.Staff) []TodayItem
