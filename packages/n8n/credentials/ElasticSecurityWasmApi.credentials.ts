import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

// How the node reaches Kibana. The API key and the password are `password` fields, which
// n8n stores encrypted and never shows again. The component builds its own Authorization
// header from them; `authenticate` below does the same for n8n's credential test.
export class ElasticSecurityWasmApi implements ICredentialType {
	name = 'elasticSecurityWasmApi';

	displayName = 'Elastic Security (Wasm) API';

	icon = 'file:../nodes/ElasticSecurityWasm/elasticSecurity.svg' as const;

	documentationUrl = 'https://www.elastic.co/docs/api/doc/kibana/group/endpoint-cases';

	properties: INodeProperties[] = [
		{
			displayName: 'Kibana URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://kibana.example.com:5601',
			description: "Kibana's base URL, with its base path if it is served under one",
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'API Key', value: 'apiKey' },
				{ name: 'Basic Auth', value: 'basicAuth' },
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The key Kibana shows as "encoded" (base64 of id:api_key)',
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['basicAuth'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basicAuth'] } },
		},
		{
			displayName: 'Default Space',
			name: 'spaceId',
			type: 'string',
			default: '',
			placeholder: 'default',
			description:
				'The Kibana space used when a node leaves Space empty. Empty means the default space.',
		},
	];

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const authorization =
			credentials.authType === 'basicAuth'
				? `Basic ${Buffer.from(`${String(credentials.username)}:${String(credentials.password)}`).toString('base64')}`
				: `ApiKey ${String(credentials.apiKey)}`;
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: authorization } };
	};

	// Lists the case tags: a cheap read that Kibana 8 and 9 both answer, with the cases
	// privilege the node needs. It asks the credential's space, so a mistyped space fails
	// here too.
	test: ICredentialTestRequest = {
		request: {
			// axios joins baseURL and url with one `/`, whether or not the URL ends in one.
			baseURL: '={{$credentials.baseUrl}}',
			url: '={{$credentials.spaceId && $credentials.spaceId !== "default" ? "/s/" + $credentials.spaceId : ""}}/api/cases/tags',
			method: 'GET',
		},
	};
}
