import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeFakeServer } from './close-server.ts';

/**
 * A loopback Mattermost speaking REST v4 and the websocket as ../shared/specs/mattermost.md describes:
 * Bearer tokens on REST and on the upgrade (or the in-band `authentication_challenge`), a `hello`
 * event, and `posted` events whose `post` is a JSON string.
 */
export async function startMattermostFake(options: { token: string; botUserId?: string }) {
  const botUserId = options.botUserId ?? 'stewardbotuserid000000000a';
  const posts: Record<string, unknown>[] = [];
  const patches: ({ id: string } & Record<string, unknown>)[] = [];
  const files: { id: string; channelId: string; name: string; mimeType: string; data: Buffer }[] = [];
  const sockets = new Set<WebSocket>();
  let seq = 0;
  const wss = new WebSocketServer({ noServer: true });
  const authorized = (header: string | undefined) => header === `Bearer ${options.token}`;
  const newId = () => randomBytes(13).toString('hex');

  const server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (!authorized(request.headers.authorization)) {
      return reply(401, {
        id: 'api.context.session_expired.app_error',
        message: 'Invalid or expired session, please login again.',
        status_code: 401,
      });
    }
    if (request.method === 'GET' && request.url === '/api/v4/users/me')
      return reply(200, { id: botUserId, username: 'steward', is_bot: true });
    if (request.method === 'POST' && request.url === '/api/v4/posts') {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        if (typeof body.channel_id !== 'string' || typeof body.message !== 'string') {
          return reply(400, {
            id: 'api.context.invalid_body_param.app_error',
            message: 'Invalid or missing post in request body.',
            status_code: 400,
          });
        }
        const post = { id: newId(), create_at: Date.now(), user_id: botUserId, root_id: '', props: {}, ...body };
        posts.push(post);
        return reply(201, post);
      });
      return;
    }
    if (request.method === 'POST' && request.url === '/api/v4/files') {
      // multipart/form-data with `channel_id` and `files` (Mattermost API reference, "Upload a file").
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void new Response(Buffer.concat(chunks), { headers: { 'content-type': request.headers['content-type'] ?? '' } })
          .formData()
          .then(async (form) => {
            const channelId = form.get('channel_id');
            const uploaded = form.getAll('files').flatMap((entry) => (typeof entry === 'string' ? [] : [entry]));
            if (typeof channelId !== 'string' || uploaded.length === 0) {
              return reply(400, {
                id: 'api.file.upload_file.incorrect_number_of_files.app_error',
                message: 'Unable to upload files. Incorrect number of files specified.',
                status_code: 400,
              });
            }
            const infos = [];
            for (const file of uploaded) {
              const info = {
                id: newId(),
                channelId,
                name: file.name,
                mimeType: file.type,
                data: Buffer.from(await file.arrayBuffer()),
              };
              files.push(info);
              infos.push({
                id: info.id,
                user_id: botUserId,
                channel_id: channelId,
                create_at: Date.now(),
                name: info.name,
                extension: info.name.split('.').pop(),
                size: info.data.length,
                mime_type: info.mimeType,
              });
            }
            return reply(201, { file_infos: infos, client_ids: [] });
          })
          .catch(() =>
            reply(400, {
              id: 'api.file.upload_file.read_request.app_error',
              message: 'Unable to upload file(s). Error reading or parsing request data.',
              status_code: 400,
            }),
          );
      });
      return;
    }
    const patch = /^\/api\/v4\/posts\/([a-z0-9]+)\/patch$/.exec(request.url ?? '');
    if (request.method === 'PUT' && patch) {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const post = posts.find((candidate) => candidate.id === patch[1]);
        if (!post)
          return reply(404, { id: 'app.post.get.app_error', message: 'Unable to get the post.', status_code: 404 });
        const body = JSON.parse(raw) as { message?: string; props?: Record<string, unknown> };
        if (body.message !== undefined) post.message = body.message;
        if (body.props !== undefined) post.props = body.props;
        post.edit_at = Date.now();
        patches.push({ id: patch[1]!, ...body });
        return reply(200, post);
      });
      return;
    }
    reply(404, { id: 'api.context.404.app_error', message: 'Sorry, we could not find the page.', status_code: 404 });
  });

  server.on('upgrade', (request, socket, head) => {
    if (request.url !== '/api/v4/websocket') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const hello = () => {
        sockets.add(ws);
        ws.send(
          JSON.stringify({
            event: 'hello',
            data: { server_version: '10.5.0' },
            broadcast: { omit_users: null, user_id: botUserId, channel_id: '', team_id: '' },
            seq: seq++,
          }),
        );
      };
      if (authorized(request.headers.authorization)) hello();
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { seq: number; action: string; data?: { token?: string } };
        if (message.action !== 'authentication_challenge') return;
        const ok = message.data?.token === options.token;
        ws.send(
          JSON.stringify(
            ok
              ? { status: 'OK', seq_reply: message.seq }
              : {
                  status: 'FAIL',
                  seq_reply: message.seq,
                  error: { id: 'api.web_socket_router.not_authenticated.app_error' },
                },
          ),
        );
        if (ok && !sockets.has(ws)) hello();
      });
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    botUserId,
    posts,
    patches,
    /** Files uploaded with POST /api/v4/files, their bytes as received. */
    files,
    connections: () => sockets.size,
    /** Someone posts in a channel: a `posted` event to every authenticated socket. */
    userPosts(post: {
      userId: string;
      username: string;
      channelId: string;
      message: string;
      rootId?: string;
      props?: Record<string, unknown>;
    }) {
      const id = newId();
      const inner = {
        id,
        create_at: Date.now(),
        update_at: Date.now(),
        edit_at: 0,
        delete_at: 0,
        is_pinned: false,
        user_id: post.userId,
        channel_id: post.channelId,
        root_id: post.rootId ?? '',
        original_id: '',
        message: post.message,
        type: '',
        props: post.props ?? {},
        hashtags: '',
        pending_post_id: '',
        reply_count: 0,
        metadata: {},
      };
      const frame = {
        event: 'posted',
        data: {
          channel_display_name: 'ops',
          channel_name: 'ops',
          channel_type: 'O',
          post: JSON.stringify(inner),
          sender_name: `@${post.username}`,
          set_online: true,
          team_id: 'team1',
        },
        broadcast: { omit_users: null, user_id: '', channel_id: post.channelId, team_id: '' },
        seq: seq++,
      };
      for (const ws of sockets) ws.send(JSON.stringify(frame));
      return id;
    },
    dropSockets() {
      for (const ws of sockets) ws.terminate();
    },
    close: () => closeFakeServer(server, wss),
  };
}
export type MattermostFake = Awaited<ReturnType<typeof startMattermostFake>>;
