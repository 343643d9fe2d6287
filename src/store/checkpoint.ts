import {z} from 'zod'

import {defineOperation} from './database-access.js'

/** `checkpoint`: fold the write-ahead log into the database file. */
export const checkpointOperation = defineOperation(z.object({}), async (db): Promise<{checkpointed: true}> => {
  const connection = await db.connect()
  try {
    await connection.run('CHECKPOINT')
    return {checkpointed: true}
  } finally {
    connection.closeSync()
  }
})
