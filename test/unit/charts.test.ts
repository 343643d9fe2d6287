import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {escapeHtml} from '../../src/report/html.js'
import {
  bar, formatCount, formatPercent, formatSeconds, sparkline,
} from '../../src/ui/charts.js'

describe('terminal charts and formats', () => {
  test('sparkline scales to the largest value and leaves zeros blank', () => {
    assert.equal(sparkline([0, 1, 2, 4, 8]), ' ▂▃▅█')
    assert.equal(sparkline([0, 0]), '  ')
    assert.equal(sparkline([5, 5, 5]), '███')
  })

  test('bar draws eighths of a cell and shows anything above zero', () => {
    assert.equal(bar(10, 10, 4), '████')
    assert.equal(bar(5, 10, 4), '██')
    assert.equal(bar(1, 10, 4), '▍')
    assert.equal(bar(0.001, 10, 4), '▏')
    assert.equal(bar(0, 10, 4), '')
    assert.equal(bar(20, 10, 4), '████')
  })

  test('numbers, durations and percentages read naturally', () => {
    assert.equal(formatCount(1_234_567.4), '1,234,567')
    assert.equal(formatSeconds(4.25), '4.3 s')
    assert.equal(formatSeconds(42), '42 s')
    assert.equal(formatSeconds(249), '4 min 09 s')
    assert.equal(formatSeconds(3 * 3600 + 5 * 60 + 20), '3 h 05 min')
    assert.equal(formatPercent(0.0512), '5.1 %')
  })

  test('the report escapes text from the data', () => {
    assert.equal(escapeHtml('<script>"a" & \'b\'</script>'), '&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;')
  })
})
