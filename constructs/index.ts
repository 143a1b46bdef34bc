export * from './app';
export * from './security-group';
export * from './eip';
export * from './availability-group';
export * from './load-balancer';
export * from './server-group';
export * from './backend-service';
export * from './listener';
export { AlbResource, resourcesWithin } from './shared/alb-resource';
