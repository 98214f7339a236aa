// Calls shop.Orders through the proxy at process.argv[2] (host:port, plaintext h2c): one unary Get
// and one bidirectional Chat of N messages. Prints one JSON line with what came back; exits non-zero
// on any gRPC error. Payloads are deterministic so the Java side can check them byte for byte.
'use strict';
const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const target = process.argv[2];
const count = Number(process.argv[3] || 50);
const definition = loader.loadSync(path.join(__dirname, 'orders.proto'), { keepCase: true, defaults: true });
const Orders = grpc.loadPackageDefinition(definition).shop.Orders;
const client = new Orders(target, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 20000);

function payload(i, size) {
  return crypto.createHash('sha256').update('item-' + i).digest().subarray(0, size);
}

function sha(buffers) {
  const h = crypto.createHash('sha256');
  buffers.forEach((b) => h.update(b));
  return h.digest('hex');
}

function unary() {
  return new Promise((resolve, reject) => {
    const sent = { id: 'unary-1', payload: payload(0, 32) };
    client.Get(sent, { deadline: deadline() }, (err, item) => {
      if (err) {
        reject(err);
        return;
      }
      resolve({ id: item.id, served: item.served, same: Buffer.compare(item.payload, sent.payload) === 0 });
    });
  });
}

function chat() {
  return new Promise((resolve, reject) => {
    const call = client.Chat({ deadline: deadline() });
    const received = [];
    const sent = [];
    call.on('data', (item) => received.push(item));
    call.on('error', reject);
    call.on('end', () => {
      const inOrder = received.every((item, i) => item.id === 'chat-' + i && item.served === 'java');
      resolve({
        sent: sent.length,
        received: received.length,
        inOrder,
        sentSha: sha(sent),
        receivedSha: sha(received.map((item) => item.payload)),
      });
    });
    for (let i = 0; i < count; i++) {
      const p = payload(i + 1, 1 + (i % 32));
      sent.push(p);
      call.write({ id: 'chat-' + i, payload: p });
    }
    call.end();
  });
}

(async () => {
  try {
    const result = { unary: await unary(), chat: await chat() };
    console.log(JSON.stringify(result));
    client.close();
  } catch (err) {
    console.error('gRPC error: code=' + err.code + ' details=' + err.details);
    client.close();
    process.exit(3);
  }
})();
