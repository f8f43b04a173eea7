package simulate

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressBar draws "[#####-----]  52.3%  1234567 rows  245678 rows/s" on one line,
// rewritten with a carriage return at most every progressEvery.
type progressBar struct {
	w     io.Writer
	total time.Duration // simulated time to write
	start time.Time

	mu   sync.Mutex // update is called by every copy worker
	last time.Time
}

const (
	progressEvery = 200 * time.Millisecond
	progressWidth = 30
)

func newProgressBar(w io.Writer, total time.Duration) *progressBar {
	now := time.Now()
	return &progressBar{w: w, total: total, start: now}
}

// update redraws the bar for rows written and done of the simulated time; final ends the
// line.
func (b *progressBar) update(rows int64, done time.Duration, final bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if !final && now.Sub(b.last) < progressEvery {
		return
	}
	b.last = now
	frac := min(1, float64(done)/float64(b.total))
	filled := int(frac * progressWidth)
	rate := float64(rows) / max(now.Sub(b.start).Seconds(), 1e-9)
	fmt.Fprintf(b.w, "\r[%s%s] %5.1f%%  %d rows  %.0f rows/s", strings.Repeat("#", filled),
		strings.Repeat("-", progressWidth-filled), frac*100, rows, rate)
	if final {
		fmt.Fprintln(b.w)
	}
}
