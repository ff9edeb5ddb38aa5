package respcache

import "container/list"

// lru is a map bounded by the total size of its values, which drops the
// least recently used first. It does not lock: its owner does.
type lru[K comparable, V any] struct {
	items map[K]*list.Element
	order list.List // front: most recently used
	bytes int64
	max   int64
	size  func(V) int64
}

type lruItem[K comparable, V any] struct {
	key  K
	val  V
	size int64
}

func newLRU[K comparable, V any](max int64, size func(V) int64) *lru[K, V] {
	return &lru[K, V]{items: map[K]*list.Element{}, max: max, size: size}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruItem[K, V]).val, true
}

// put stores v under k and drops the least recently used values until the
// total fits; it returns how many it dropped. The caller has checked that v
// alone fits.
func (c *lru[K, V]) put(k K, v V) (evicted int) {
	n := c.size(v)
	if el, ok := c.items[k]; ok {
		it := el.Value.(*lruItem[K, V])
		c.bytes += n - it.size
		it.val, it.size = v, n
		c.order.MoveToFront(el)
	} else {
		c.items[k] = c.order.PushFront(&lruItem[K, V]{key: k, val: v, size: n})
		c.bytes += n
	}
	for c.bytes > c.max {
		el := c.order.Back()
		if el == nil {
			break
		}
		it := el.Value.(*lruItem[K, V])
		c.order.Remove(el)
		delete(c.items, it.key)
		c.bytes -= it.size
		evicted++
	}
	return evicted
}

func (c *lru[K, V]) reset() {
	clear(c.items)
	c.order.Init()
	c.bytes = 0
}

func (c *lru[K, V]) len() int { return len(c.items) }
