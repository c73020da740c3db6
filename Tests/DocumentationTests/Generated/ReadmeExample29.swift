// Generated from README.md (Swift example 29, line 1593) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import PGKit

func readmeExample29(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let listener = try await PGListener.connect(config, channels: ["session_changed"])
    try await pool.notify("session_changed", payload: sessionID.uuidString)
    for try await event in listener {
        switch event {
        case .notification(let note):
            print(note.channel, note.payload, note.senderPID)
        case .mayHaveMissedNotifications(let gap):
            print("reload everything:", gap)   // reconnected, or the buffer was full
        }
        if event.notification?.payload == "stop" { break }   // leaving the loop closes the listener
    }
    try await listener.listen("memories_changed")   // channels can change while listening
}
