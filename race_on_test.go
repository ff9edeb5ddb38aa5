//go:build race

package main

// raceEnabled: the tests run under the race detector, which makes every
// request several times slower; bounded tests do fewer rounds.
const raceEnabled = true
