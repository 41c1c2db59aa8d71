#!/usr/bin/env node
// Drives an Eddy broker with kafkajs 2.2.4, an independent pure-JavaScript implementation of the Kafka protocol:
// admin, produce/consume with keys and headers, consumer groups and their admin, idempotence, transactions
// (commit, abort, consume-transform-produce with sendOffsets), read_committed, deleteGroups.
//
// Usage: node kafkajs_compat.js BOOTSTRAP (after `npm ci` in this directory). Prints one PASS/FAIL line per check
// and exits non-zero on any failure. Every scenario is bounded by a timeout, and so is the whole run.
// KAFKAJS_COMPAT_LOG=1 streams kafkajs's own log to stderr; otherwise the log of a scenario that fails is printed
// to stderr after its FAIL line.
'use strict'

const crypto = require('crypto')
const {
  Kafka,
  Partitioners,
  AssignerProtocol,
  ConfigResourceTypes,
  CompressionTypes,
  logLevel,
} = require('kafkajs')

const BOOTSTRAP = process.argv[2] || '127.0.0.1:9092'
const RUN_TIMEOUT_MS = 9 * 60 * 1000
const results = []
const created = { topics: new Set(), groups: new Set() }

const unique = prefix => `${prefix}-${crypto.randomBytes(4).toString('hex')}`
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// kafkajs's log: kept in memory (and streamed to stderr with KAFKAJS_COMPAT_LOG=1); a failing scenario prints its part.
const logLines = []
const levelName = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' }
const logCreator = () => ({ namespace, level, log }) => {
  const { message, timestamp, logger, ...extra } = log
  const line = `${timestamp} ${levelName[level] || level} [${namespace}] ${message} ${JSON.stringify(extra)}`
  logLines.push(line)
  if (logLines.length > 5000) logLines.splice(0, 1000)
  if (process.env.KAFKAJS_COMPAT_LOG) process.stderr.write(line + '\n')
}

const kafka = new Kafka({
  clientId: 'eddy-kafkajs-compat',
  brokers: [BOOTSTRAP],
  connectionTimeout: 3000,
  requestTimeout: 30000,
  retry: { initialRetryTime: 200, retries: 5 },
  logLevel: logLevel.INFO,
  logCreator,
})

// A scenario's checks print nothing once the scenario has timed out (it may still be running in the background).
function makeCheck(scenario) {
  return (name, condition, detail = '') => {
    if (scenario.abandoned) return Boolean(condition)
    results.push(Boolean(condition))
    if (!condition) scenario.failed = true
    const text = typeof detail === 'string' ? detail : JSON.stringify(detail)
    console.log((condition ? 'PASS ' : 'FAIL ') + name + (condition ? '' : `: ${text}`))
    return Boolean(condition)
  }
}

// Rejects when promise does not settle within ms.
function within(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// Polls condition (sync or async) every 100 ms until it holds or ms pass; true when it held.
async function waitFor(condition, ms) {
  const deadline = Date.now() + ms
  for (;;) {
    if (await condition()) return true
    if (Date.now() >= deadline) return false
    await sleep(100)
  }
}

const errorText = e =>
  `${e && e.name ? e.name + ': ' : ''}${e && e.message ? e.message : e}` +
  (e && e.type ? ` (type ${e.type}, code ${e.code})` : '') +
  (e && e.groups ? ` ${JSON.stringify(e.groups.map(g => ({ groupId: g.groupId, errorCode: g.errorCode })))}` : '') +
  (e && e.cause ? ` caused by ${errorText(e.cause)}` : '')

async function connected(client, what) {
  await within(client.connect(), 30000, `${what} connect`)
  return client
}

async function quietly(promise) {
  try {
    await within(promise, 15000, 'disconnect')
  } catch (_) {
    // best effort: a client that does not disconnect is dropped with the process
  }
}

async function createTopics(admin, specs) {
  for (const { topic } of specs) created.topics.add(topic)
  return within(
    admin.createTopics({ topics: specs.map(s => ({ replicationFactor: 1, ...s })), waitForLeaders: true }),
    30000,
    'createTopics'
  )
}

function newConsumer(groupId, options = {}) {
  created.groups.add(groupId)
  return kafka.consumer({
    groupId,
    sessionTimeout: 10000,
    rebalanceTimeout: 20000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 250,
    retry: { initialRetryTime: 200, retries: 8 },
    ...options,
  })
}

// Reads topics with a fresh group from the beginning until done(records) holds (or ms pass), plus settleMs more so
// that records that should not be there have the chance to arrive. Records: {partition, offset, key, value, headers}.
async function consume({ topics, readUncommitted = false, done, ms = 60000, settleMs = 0 }) {
  const consumer = newConsumer(unique('kafkajs-reader'), { readUncommitted })
  const records = []
  try {
    await connected(consumer, 'consumer')
    await within(consumer.subscribe({ topics, fromBeginning: true }), 30000, 'subscribe')
    await within(
      consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({
            partition,
            offset: Number(message.offset),
            key: message.key === null ? null : message.key.toString(),
            value: message.value === null ? null : message.value.toString(),
            headers: Object.fromEntries(Object.entries(message.headers || {}).map(([k, v]) => [k, String(v)])),
          })
        },
      }),
      30000,
      'consumer.run'
    )
    await waitFor(() => done(records), ms)
    if (settleMs) await sleep(settleMs)
  } finally {
    await quietly(consumer.disconnect())
  }
  return records
}

const byPartition = (records, partitions) => {
  const out = Object.fromEntries([...Array(partitions).keys()].map(p => [p, []]))
  for (const r of records) (out[r.partition] = out[r.partition] || []).push(r)
  return out
}

const offsetsOf = (fetched, topic) =>
  Object.fromEntries(
    (fetched.find(t => t.topic === topic) || { partitions: [] }).partitions.map(p => [p.partition, Number(p.offset)])
  )

// --- scenarios ---------------------------------------------------------------------------------------------------

async function adminScenario(check, admin) {
  const three = unique('kafkajs-admin3')
  const two = unique('kafkajs-admin2')
  const createdNew = await createTopics(admin, [
    { topic: three, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
    { topic: two, numPartitions: 2 },
  ])
  check('admin createTopics with explicit partition counts', createdNew === true, `returned ${createdNew}`)

  const again = await within(admin.createTopics({ topics: [{ topic: two, numPartitions: 2 }] }), 30000, 'createTopics')
  check('admin createTopics of an existing topic returns false (TOPIC_ALREADY_EXISTS)', again === false,
    `returned ${again}`)

  const listed = await within(admin.listTopics(), 30000, 'listTopics')
  check('admin listTopics', listed.includes(three) && listed.includes(two), listed)

  const cluster = await within(admin.describeCluster(), 30000, 'describeCluster')
  const [host, port] = BOOTSTRAP.split(':')
  check('admin describeCluster',
    cluster.brokers.length === 1 && cluster.brokers[0].host === host && cluster.brokers[0].port === Number(port) &&
      cluster.controller === cluster.brokers[0].nodeId && typeof cluster.clusterId === 'string' &&
      cluster.clusterId.length > 0,
    cluster)

  const meta = await within(admin.fetchTopicMetadata({ topics: [three, two] }), 30000, 'fetchTopicMetadata')
  const shape = Object.fromEntries(
    meta.topics.map(t => [t.name, t.partitions.map(p => [p.partitionId, p.leader, p.partitionErrorCode])])
  )
  const nodeId = cluster.brokers[0] && cluster.brokers[0].nodeId
  const expectShape = n => [...Array(n).keys()].map(p => [p, nodeId, 0])
  check('admin fetchTopicMetadata (partitions and leaders)',
    JSON.stringify(sortShape(shape[three])) === JSON.stringify(expectShape(3)) &&
      JSON.stringify(sortShape(shape[two])) === JSON.stringify(expectShape(2)),
    shape)

  const configs = await within(
    admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: three, configNames: ['retention.ms', 'cleanup.policy'] }],
      includeSynonyms: false,
    }),
    30000,
    'describeConfigs'
  )
  const resource = configs.resources[0] || {}
  const entries = Object.fromEntries((resource.configEntries || []).map(e => [e.configName, e.configValue]))
  check('admin describeConfigs on a topic',
    resource.errorCode === 0 && entries['retention.ms'] === '3600000' && entries['cleanup.policy'] === 'delete',
    { errorCode: resource.errorCode, errorMessage: resource.errorMessage, entries })

  const all = await within(
    admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: three }], includeSynonyms: false }),
    30000,
    'describeConfigs'
  )
  const allEntries = (all.resources[0] || {}).configEntries || []
  const retention = allEntries.find(e => e.configName === 'retention.ms') || {}
  check('admin describeConfigs of every topic config (the set one not default)',
    allEntries.length > 5 && retention.configValue === '3600000' && retention.isDefault === false,
    { count: allEntries.length, retention })

  await within(admin.createPartitions({ topicPartitions: [{ topic: two, count: 5 }] }), 30000, 'createPartitions')
  const grown = await within(admin.fetchTopicMetadata({ topics: [two] }), 30000, 'fetchTopicMetadata')
  const grownIds = grown.topics[0].partitions.map(p => p.partitionId).sort((a, b) => a - b)
  check('admin createPartitions 2 -> 5', JSON.stringify(grownIds) === '[0,1,2,3,4]', grownIds)

  const offsets = await within(admin.fetchTopicOffsets(two), 30000, 'fetchTopicOffsets')
  check('admin fetchTopicOffsets of the grown topic',
    offsets.length === 5 && offsets.every(o => o.low === '0' && o.high === '0'), offsets)

  await within(admin.deleteTopics({ topics: [three, two], timeout: 10000 }), 30000, 'deleteTopics')
  let remaining = []
  const gone = await waitFor(async () => {
    remaining = await within(admin.listTopics(), 30000, 'listTopics')
    return !remaining.includes(three) && !remaining.includes(two)
  }, 10000)
  check('admin deleteTopics', gone, remaining.filter(t => t === three || t === two))
  created.topics.delete(three)
  created.topics.delete(two)
}

const sortShape = rows => (rows || []).slice().sort((a, b) => a[0] - b[0])

async function produceConsumeScenario(check, admin) {
  const topic = unique('kafkajs-plain')
  const partitions = 3
  const n = 600
  await createTopics(admin, [{ topic, numPartitions: partitions }])
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  // The partition each key goes to, by the same (Java-compatible murmur2) partitioner.
  const partitioner = Partitioners.DefaultPartitioner()
  const partitionMetadata = [...Array(partitions).keys()].map(p => ({ partitionId: p, leader: 1 }))
  const expected = Object.fromEntries([...Array(partitions).keys()].map(p => [p, []]))
  const batches = []
  for (let i = 0; i < n; i++) {
    const message = { key: `key-${i % 97}`, value: `value-${i}`, headers: { seq: String(i), origin: 'kafkajs' } }
    expected[partitioner({ topic, partitionMetadata, message })].push(message)
    if (i % 50 === 0) batches.push([])
    batches[batches.length - 1].push(message)
  }
  const sendErrors = []
  const lastOffsets = {}
  try {
    await connected(producer, 'producer')
    for (const [b, messages] of batches.entries()) {
      const compression = b % 2 === 0 ? CompressionTypes.None : CompressionTypes.GZIP
      const metadata = await within(producer.send({ topic, messages, acks: -1, compression }), 30000, 'send')
      for (const m of metadata) {
        if (m.errorCode !== 0) sendErrors.push(m)
        lastOffsets[m.partition] = m
      }
    }
  } finally {
    await quietly(producer.disconnect())
  }
  check('producer send (keys, headers, acks=all, none and gzip)', sendErrors.length === 0, sendErrors)

  const records = await consume({ topics: [topic], done: rs => rs.length >= n, settleMs: 500 })
  const got = byPartition(records, partitions)
  for (let p = 0; p < partitions; p++) {
    const want = expected[p].map((m, offset) => ({ offset, key: m.key, value: m.value, headers: m.headers }))
    const have = got[p].map(r => ({ offset: r.offset, key: r.key, value: r.value, headers: r.headers }))
    const firstDiff = want.findIndex((w, i) => JSON.stringify(w) !== JSON.stringify(have[i]))
    check(`consume partition ${p}: every keyed record, its headers, in order`,
      have.length === want.length && firstDiff === -1,
      `${have.length} received, ${want.length} sent; first difference at ${firstDiff}: ` +
        `${JSON.stringify(have[firstDiff])} vs ${JSON.stringify(want[firstDiff])}`)
  }
  const highs = await within(admin.fetchTopicOffsets(topic), 30000, 'fetchTopicOffsets')
  check('fetchTopicOffsets high watermarks match the records sent',
    highs.every(o => Number(o.high) === expected[o.partition].length && o.low === '0'),
    { highs, sent: Object.fromEntries(Object.entries(expected).map(([p, ms]) => [p, ms.length])) })
}

async function groupsScenario(check, admin) {
  const topic = unique('kafkajs-groups')
  const group = unique('kafkajs-group')
  const partitions = 4
  const perPartition = 50
  await createTopics(admin, [{ topic, numPartitions: partitions }])
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await connected(producer, 'producer')
  try {
    const messages = []
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < perPartition; i++) messages.push({ partition: p, key: `k${i}`, value: `p${p}-${i}` })
    }
    await within(producer.send({ topic, messages }), 30000, 'send')
  } finally {
    await quietly(producer.disconnect())
  }

  const members = [newConsumer(group), newConsumer(group)]
  const assignment = [[], []]
  const read = new Set()
  const commitErrors = []
  try {
    for (const [i, member] of members.entries()) {
      member.on(member.events.GROUP_JOIN, ({ payload }) => {
        assignment[i] = (payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b)
      })
      await connected(member, 'consumer')
      await within(member.subscribe({ topics: [topic], fromBeginning: true }), 30000, 'subscribe')
    }
    for (const member of members) {
      await within(
        member.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.messages.length === 0) return
            for (const m of batch.messages) read.add(`${batch.partition}:${m.offset}`)
            const next = String(Number(batch.lastOffset()) + 1)
            try {
              await member.commitOffsets([{ topic, partition: batch.partition, offset: next }])
            } catch (e) {
              commitErrors.push(errorText(e)) // during a rebalance; the partition's next owner reads and commits again
              throw e
            }
          },
        }),
        30000,
        'consumer.run'
      )
    }
    const shared = () =>
      assignment[0].length > 0 && assignment[1].length > 0 &&
      JSON.stringify([...assignment[0], ...assignment[1]].sort((a, b) => a - b)) === '[0,1,2,3]'
    const allRead = await waitFor(() => shared() && read.size === partitions * perPartition, 60000)
    check('two consumers in one group share the partitions', shared(), assignment)
    check('the group reads every record', allRead && read.size === partitions * perPartition, `${read.size} read`)

    let committed = {}
    const allCommitted = await waitFor(async () => {
      committed = offsetsOf(await within(admin.fetchOffsets({ groupId: group, topics: [topic] }), 30000,
        'fetchOffsets'), topic)
      return [...Array(partitions).keys()].every(p => committed[p] === perPartition)
    }, 20000)
    check('commitOffsets, and admin.fetchOffsets shows them', allCommitted, { committed, commitErrors })

    const listed = await within(admin.listGroups(), 30000, 'listGroups')
    const entry = listed.groups.find(g => g.groupId === group)
    check('admin.listGroups lists the group (protocolType consumer)', entry && entry.protocolType === 'consumer',
      listed.groups.filter(g => g.groupId.startsWith('kafkajs-group')))

    const described = await within(admin.describeGroups([group]), 30000, 'describeGroups')
    const g = described.groups[0] || {}
    const memberAssignments = (g.members || []).map(m => {
      try {
        const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
        return ((decoded && decoded.assignment[topic]) || []).slice().sort((a, b) => a - b)
      } catch (e) {
        return `undecodable: ${errorText(e)}`
      }
    })
    check('admin.describeGroups: Stable, two members, their assignments',
      g.errorCode === 0 && g.state === 'Stable' && g.protocolType === 'consumer' && g.protocol === 'RoundRobinAssigner' &&
        (g.members || []).length === 2 &&
        JSON.stringify(memberAssignments.flat().sort((a, b) => a - b)) === '[0,1,2,3]',
      { errorCode: g.errorCode, state: g.state, protocolType: g.protocolType, protocol: g.protocol,
        members: (g.members || []).length, memberAssignments })
  } finally {
    for (const member of members) await quietly(member.disconnect())
  }

  const empty = await waitFor(async () => {
    const d = await within(admin.describeGroups([group]), 30000, 'describeGroups')
    return d.groups[0] && d.groups[0].state === 'Empty'
  }, 15000)
  check('group is Empty once its members leave', empty)

  // kafkajs commits the sentinels -2 (earliest) and -1 (latest) as the group's offsets, as Kafka stores them
  // (kafkajs's own resetOffsets tests expect fetchOffsets to return them); fetchOffsets({ resolveOffsets: true })
  // turns them into the partitions' low and high watermarks and commits those.
  const fetch = async (resolveOffsets = false) =>
    offsetsOf(await within(admin.fetchOffsets({ groupId: group, topics: [topic], resolveOffsets }), 60000,
      'fetchOffsets'), topic)
  await within(admin.resetOffsets({ groupId: group, topic, earliest: true }), 60000, 'resetOffsets earliest')
  let raw = await fetch()
  let resolved = await fetch(true)
  let after = await fetch()
  check('admin.resetOffsets to earliest (-2, resolved to the low watermarks)',
    [0, 1, 2, 3].every(p => raw[p] === -2 && resolved[p] === 0 && after[p] === 0), { raw, resolved, after })

  await within(admin.resetOffsets({ groupId: group, topic, earliest: false }), 60000, 'resetOffsets latest')
  raw = await fetch()
  resolved = await fetch(true)
  after = await fetch()
  check('admin.resetOffsets to latest (-1, resolved to the high watermarks)',
    [0, 1, 2, 3].every(p => raw[p] === -1 && resolved[p] === perPartition && after[p] === perPartition),
    { raw, resolved, after })

  const positions = [10, 20, 30, 40]
  await within(
    admin.setOffsets({ groupId: group, topic, partitions: positions.map((o, p) => ({ partition: p, offset: String(o) })) }),
    60000,
    'setOffsets'
  )
  const offsets = await fetch()
  check('admin.setOffsets', positions.every((o, p) => offsets[p] === o), offsets)

  // A new member of the group resumes from the positions set.
  const resumed = newConsumer(group)
  const seen = []
  try {
    await connected(resumed, 'consumer')
    await within(resumed.subscribe({ topics: [topic], fromBeginning: true }), 30000, 'subscribe')
    await within(resumed.run({ eachMessage: async ({ partition, message }) => {
      seen.push([partition, Number(message.offset)])
    } }), 30000, 'consumer.run')
    const expectedCount = positions.reduce((s, o) => s + perPartition - o, 0)
    await waitFor(() => seen.length >= expectedCount, 30000)
    await sleep(500)
    const firsts = [0, 1, 2, 3].map(p => Math.min(...seen.filter(([q]) => q === p).map(([, o]) => o)))
    check('a consumer of the group resumes from the offsets set',
      seen.length === expectedCount && JSON.stringify(firsts) === JSON.stringify(positions),
      { read: seen.length, expected: expectedCount, firstOffsets: firsts })
  } finally {
    await quietly(resumed.disconnect())
  }
}

async function idempotentScenario(check, admin) {
  const topic = unique('kafkajs-idem')
  const n = 1000
  await createTopics(admin, [{ topic, numPartitions: 2 }])
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  })
  const errors = []
  try {
    await connected(producer, 'idempotent producer')
    for (let b = 0; b < n / 50; b++) {
      const messages = []
      for (let i = b * 50; i < (b + 1) * 50; i++) messages.push({ partition: i % 2, value: String(i) })
      try {
        const metadata = await within(producer.send({ topic, messages, acks: -1 }), 30000, 'send')
        errors.push(...metadata.filter(m => m.errorCode !== 0))
      } catch (e) {
        errors.push(errorText(e))
        break
      }
    }
  } finally {
    await quietly(producer.disconnect())
  }
  check('idempotent producer (idempotent, maxInFlightRequests 1) sends every batch', errors.length === 0,
    errors.slice(0, 3))
  const records = await consume({ topics: [topic], done: rs => rs.length >= n, settleMs: 500 })
  const got = byPartition(records, 2)
  for (let p = 0; p < 2; p++) {
    const values = got[p].map(r => r.value)
    const offsets = got[p].map(r => r.offset)
    const want = [...Array(n / 2).keys()].map(i => String(2 * i + p))
    check(`idempotent records of partition ${p}: each once, in order, offsets 0..${n / 2 - 1}`,
      JSON.stringify(values) === JSON.stringify(want) &&
        JSON.stringify(offsets) === JSON.stringify([...Array(n / 2).keys()]),
      `${values.length} records, ${new Set(values).size} distinct`)
  }
}

async function transactionsScenario(check, admin) {
  const topic = unique('kafkajs-txn')
  await createTopics(admin, [{ topic, numPartitions: 3 }])
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    transactionalId: unique('kafkajs-tx'),
    idempotent: true,
    maxInFlightRequests: 1,
  })
  const committed = []
  const all = []
  try {
    await connected(producer, 'transactional producer')
    for (const [name, commit] of [['c1', true], ['a2', false], ['c3', true]]) {
      const txn = await within(producer.transaction(), 30000, 'transaction')
      const messages = [...Array(30).keys()].map(i => ({ partition: i % 3, key: name, value: `${name}-${i}` }))
      try {
        await within(txn.send({ topic, messages }), 30000, 'transaction send')
        if (commit) {
          await within(txn.commit(), 30000, 'commit')
          committed.push(...messages)
        } else {
          await within(txn.abort(), 30000, 'abort')
        }
        all.push(...messages)
      } catch (e) {
        check(`transaction ${name} (${commit ? 'commit' : 'abort'})`, false, errorText(e))
        await quietly(txn.abort().catch(() => {}))
        throw e
      }
    }
    check('transactional producer: commit one transaction, abort another, commit a third', true)
  } finally {
    await quietly(producer.disconnect())
  }

  const highs = await within(admin.fetchTopicOffsets(topic), 30000, 'fetchTopicOffsets')
  check('high watermarks count the records and a control marker per transaction',
    highs.length === 3 && highs.every(o => o.high === '33'), highs)

  const expect = (messages, p) => messages.filter(m => m.partition === p).map(m => m.value)
  const lastCommitted = [0, 1, 2].map(p => expect(committed, p).slice(-1)[0])
  // Aborted records sit between the two committed transactions, so a read_committed reader that has the last
  // committed record of every partition has passed them.
  const rc = await consume({
    topics: [topic],
    readUncommitted: false,
    done: rs => [0, 1, 2].every(p => rs.some(r => r.partition === p && r.value === lastCommitted[p])),
    settleMs: 1000,
  })
  const rcBy = byPartition(rc, 3)
  for (let p = 0; p < 3; p++) {
    const values = rcBy[p].map(r => r.value)
    check(`read_committed partition ${p}: exactly the committed records, in order`,
      JSON.stringify(values) === JSON.stringify(expect(committed, p)),
      { got: values, want: expect(committed, p) })
  }
  const ru = await consume({ topics: [topic], readUncommitted: true, done: rs => rs.length >= 90, settleMs: 500 })
  const ruBy = byPartition(ru, 3)
  check('read_uncommitted sees the aborted records too',
    [0, 1, 2].every(p => JSON.stringify(ruBy[p].map(r => r.value)) === JSON.stringify(expect(all, p))),
    Object.fromEntries([0, 1, 2].map(p => [p, ruBy[p].length])))
}

async function consumeTransformProduceScenario(check, admin) {
  const source = unique('kafkajs-ctp-in')
  const target = unique('kafkajs-ctp-out')
  const group = unique('kafkajs-ctp')
  const n = 200
  await createTopics(admin, [{ topic: source, numPartitions: 2 }, { topic: target, numPartitions: 3 }])
  const seeder = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true,
    maxInFlightRequests: 1 })
  await connected(seeder, 'producer')
  try {
    const messages = [...Array(n).keys()].map(i => ({ partition: i % 2, value: String(i) }))
    await within(seeder.send({ topic: source, messages, acks: -1 }), 30000, 'send')
  } finally {
    await quietly(seeder.disconnect())
  }

  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    transactionalId: `${group}-tx`,
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await connected(producer, 'transactional producer')
  const consumer = newConsumer(group, { readUncommitted: false })
  let transactions = 0
  const errors = []
  try {
    // An aborted transaction that wrote to the target and sent the group's offsets: neither may be seen.
    const doomed = await within(producer.transaction(), 30000, 'transaction')
    await within(doomed.send({ topic: target, messages: [{ partition: 0, value: 'aborted' }] }), 30000, 'send')
    await within(doomed.sendOffsets({ consumerGroupId: group, topics: [{ topic: source, partitions: [
      { partition: 0, offset: String(n / 2) }, { partition: 1, offset: String(n / 2) }] }] }), 30000, 'sendOffsets')
    await within(doomed.abort(), 30000, 'abort')
    const afterAbort = offsetsOf(await within(admin.fetchOffsets({ groupId: group, topics: [source] }), 30000,
      'fetchOffsets'), source)
    check('sendOffsets in an aborted transaction commits nothing', afterAbort[0] === -1 && afterAbort[1] === -1,
      afterAbort)

    await connected(consumer, 'consumer')
    await within(consumer.subscribe({ topics: [source], fromBeginning: true }), 30000, 'subscribe')
    const position = { 0: 0, 1: 0 }
    await within(consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (batch.messages.length === 0) return
        const txn = await producer.transaction()
        try {
          await txn.send({ topic: target, messages: batch.messages.map(m => ({
            partition: Number(m.value) % 3, value: `copy-${m.value.toString()}` })) })
          const next = String(Number(batch.lastOffset()) + 1)
          await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: next }] }] })
          await txn.commit()
          transactions++
          position[batch.partition] = Number(next)
          for (const m of batch.messages) resolveOffset(m.offset)
          await heartbeat()
        } catch (e) {
          errors.push(errorText(e))
          await txn.abort().catch(() => {})
          throw e
        }
      },
    }), 30000, 'consumer.run')
    const copied = await waitFor(() => position[0] === n / 2 && position[1] === n / 2, 60000)
    check('consume-transform-produce: every batch copied in a transaction with sendOffsets', copied && !errors.length,
      { position, transactions, errors: errors.slice(0, 3) })
  } finally {
    await quietly(consumer.disconnect())
    await quietly(producer.disconnect())
  }

  const offsets = offsetsOf(await within(admin.fetchOffsets({ groupId: group, topics: [source] }), 30000,
    'fetchOffsets'), source)
  check('offsets sent in committed transactions are the group\'s committed offsets',
    offsets[0] === n / 2 && offsets[1] === n / 2, offsets)

  const out = await consume({ topics: [target], readUncommitted: false, done: rs => rs.length >= n, settleMs: 1000 })
  const values = out.map(r => r.value)
  const want = [...Array(n).keys()].map(i => `copy-${i}`)
  check('read_committed output holds every copied record exactly once (and not the aborted one)',
    JSON.stringify(values.slice().sort()) === JSON.stringify(want.slice().sort()),
    `${values.length} records, ${new Set(values).size} distinct, aborted seen: ${values.includes('aborted')}`)
  check('copied records partitioned by value',
    out.every(r => Number(r.value.slice(5)) % 3 === r.partition))
}

async function deleteGroupsScenario(check, admin) {
  const topic = unique('kafkajs-del')
  const group = unique('kafkajs-delgroup')
  await createTopics(admin, [{ topic, numPartitions: 2 }])
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await connected(producer, 'producer')
  try {
    await within(producer.send({ topic, messages: [0, 1, 2, 3].map(i => ({ partition: i % 2, value: `v${i}` })) }),
      30000, 'send')
  } finally {
    await quietly(producer.disconnect())
  }
  const consumer = newConsumer(group, { retry: { retries: 2 } })
  let read = 0
  try {
    await connected(consumer, 'consumer')
    await within(consumer.subscribe({ topics: [topic], fromBeginning: true }), 30000, 'subscribe')
    await within(consumer.run({ eachMessage: async () => { read++ } }), 30000, 'consumer.run')
    await waitFor(() => read >= 4, 30000)
    await within(consumer.commitOffsets([{ topic, partition: 0, offset: '2' }, { topic, partition: 1, offset: '2' }]),
      30000, 'commitOffsets')
    let busy
    try {
      await within(admin.deleteGroups([group]), 30000, 'deleteGroups')
    } catch (e) {
      busy = e
    }
    check('admin.deleteGroups of a group with members fails with NON_EMPTY_GROUP',
      busy && busy.groups && busy.groups.length === 1 && busy.groups[0].errorCode === 68,
      busy ? errorText(busy) : 'deleted')
  } finally {
    await quietly(consumer.disconnect())
  }
  const fetch = async () =>
    offsetsOf(await within(admin.fetchOffsets({ groupId: group, topics: [topic] }), 30000, 'fetchOffsets'), topic)
  const before = await fetch()
  const result = await within(admin.deleteGroups([group]), 30000, 'deleteGroups')
  check('admin.deleteGroups of an empty group', before[0] === 2 && before[1] === 2 &&
    result.length === 1 && result[0].groupId === group && result[0].errorCode === 0, { before, result })
  const listed = await within(admin.listGroups(), 30000, 'listGroups')
  const after = await fetch()
  check('a deleted group is not listed and has no committed offsets',
    !listed.groups.some(g => g.groupId === group) && after[0] === -1 && after[1] === -1,
    { listed: listed.groups.some(g => g.groupId === group), after })
  created.groups.delete(group)

  let unknown
  try {
    await within(admin.deleteGroups([unique('kafkajs-nosuchgroup')]), 30000, 'deleteGroups')
  } catch (e) {
    unknown = e
  }
  check('admin.deleteGroups of an unknown group fails with GROUP_ID_NOT_FOUND',
    unknown && unknown.groups && unknown.groups[0] && unknown.groups[0].errorCode === 69,
    unknown ? errorText(unknown) : 'no error')
}

const scenarios = [
  ['admin', adminScenario, 60000],
  ['produce/consume', produceConsumeScenario, 90000],
  ['consumer groups', groupsScenario, 180000],
  ['idempotent producer', idempotentScenario, 90000],
  ['transactions', transactionsScenario, 120000],
  ['consume-transform-produce', consumeTransformProduceScenario, 120000],
  ['deleteGroups', deleteGroupsScenario, 90000],
]

async function main() {
  const admin = kafka.admin({ retry: { initialRetryTime: 200, retries: 5 } })
  const adminCheck = makeCheck({})
  try {
    await connected(admin, 'admin')
  } catch (e) {
    adminCheck('connect to the broker', false, errorText(e))
    return
  }
  for (const [name, run, ms] of scenarios) {
    const scenario = { abandoned: false, failed: false }
    const check = makeCheck(scenario)
    const logStart = logLines.length
    try {
      await within(run(check, admin), ms, `${name} scenario`)
    } catch (e) {
      check(`${name} run`, false, errorText(e))
      scenario.abandoned = true
    }
    if (scenario.failed) {
      const lines = logLines.slice(Math.min(logStart, logLines.length)).filter(l => !/ DEBUG /.test(l)).slice(-40)
      process.stderr.write(`--- kafkajs log during the ${name} scenario (last ${lines.length} lines) ---\n` +
        lines.join('\n') + '\n')
    }
  }
  // Best-effort cleanup of what the run created.
  try {
    const groups = [...created.groups]
    if (groups.length) await within(admin.deleteGroups(groups), 15000, 'deleteGroups').catch(() => {})
    const topics = [...created.topics]
    if (topics.length) await within(admin.deleteTopics({ topics, timeout: 10000 }), 15000, 'deleteTopics')
  } catch (_) {
    // the broker's data dir is temporary
  }
  await quietly(admin.disconnect())
}

const watchdog = setTimeout(() => {
  results.push(false)
  console.log(`FAIL kafkajs run: did not finish within ${RUN_TIMEOUT_MS / 1000} s`)
  finish()
}, RUN_TIMEOUT_MS)

function finish() {
  clearTimeout(watchdog)
  const passed = results.filter(Boolean).length
  console.log(`kafkajs: ${passed} passed, ${results.length - passed} failed`)
  process.exit(results.length > 0 && passed === results.length ? 0 : 1)
}

main()
  .catch(e => {
    results.push(false)
    console.log(`FAIL kafkajs run: ${errorText(e)}`)
  })
  .finally(finish)
