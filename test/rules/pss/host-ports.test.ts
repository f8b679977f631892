import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './host-ports.cases.js';

ruleTester(cases.rule, cases);
